//go:build !windows

package paths

import "regexp"

var home = regexp.MustCompile(`^~/`) // want "home: regexp.MustCompile"

// Home reports whether p starts in the home directory.
func Home(p string) bool { return home.MatchString(p) }
