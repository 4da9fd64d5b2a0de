// Package version checks version strings (the shape of hashicorp/go-version's version.go).
package version

import "regexp"

// The compiled regular expressions used to test the validity of a version.
var (
	versionRegexp *regexp.Regexp
	semverRegexp  *regexp.Regexp
)

// The raw regular expression string.
const raw = `v?([0-9]+(\.[0-9]+)*)`

func init() { // want "fills versionRegexp and semverRegexp at every start; build them on first use \\(sync.OnceValue\\), 2 references"
	versionRegexp = regexp.MustCompile("^" + raw + "$")
	semverRegexp = regexp.MustCompile("^" + raw + "(-[a-z]+)?$")
}

// Valid reports whether v is a version.
func Valid(v string) bool { return versionRegexp.MatchString(v) }

// Semver reports whether v is a semantic version.
func Semver(v string) bool { return semverRegexp.MatchString(v) }
