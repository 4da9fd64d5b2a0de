package words

import (
	"regexp"

	"example.com/peralias/sync"
)

var digits = regexp.MustCompile(`^[0-9]+$`) // want "digits: regexp.MustCompile"

// Digits reports whether s is all digits, in a synced generation.
func Digits(s string) bool { return sync.Generation() > 0 && digits.MatchString(s) }
