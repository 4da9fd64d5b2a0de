// Package lazy compiles a regexp at init, which lazy-init builds on first use instead.
package lazy

import "regexp"

var word = regexp.MustCompile(`^[a-z]+(-[a-z]+)*$`)

// Word reports whether s is a lower-case word.
func Word(s string) bool { return word.MatchString(s) }
