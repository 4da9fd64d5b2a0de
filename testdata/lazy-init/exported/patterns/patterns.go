// Package patterns exports compiled patterns.
package patterns

import "regexp"

// Version matches a version string. Other packages and tests use it.
var Version = regexp.MustCompile(`^v\d+\.\d+\.\d+$`) // want "Version: regexp.MustCompile runs at every start; build it on first use \\(sync.OnceValue\\), 1 reference in the package and 3 in 2 importing packages"

// Valid reports whether v is a version.
func Valid(v string) bool { return Version.MatchString(v) }
