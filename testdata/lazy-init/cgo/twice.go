// Package twice calls C: the comment above import "C" is its preamble and must stay
// attached to that declaration.
package twice

// static int twice(int x) { return 2 * x; }
import "C"

import "regexp"

var number = regexp.MustCompile(`^[0-9]+$`) // want "number: regexp.MustCompile"

// Twice doubles n in C, if s is a number.
func Twice(s string, n int) int {
	if !number.MatchString(s) {
		return 0
	}
	return int(C.twice(C.int(n)))
}
