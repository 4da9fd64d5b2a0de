// Package paths splits paths the way each system writes them.
package paths

import "regexp"

var slashes = regexp.MustCompile(`/+`) // want "slashes: regexp.MustCompile"

// Clean squeezes repeated slashes.
func Clean(p string) string { return slashes.ReplaceAllString(p, "/") }
