// Package slowdep is a dependency with expensive package initialization: a table of
// regular expressions compiled at start-up and an init that spins for a millisecond.
package slowdep

import (
	"regexp"
	"time"

	"example.com/slowdep/words"
)

var patterns = []*regexp.Regexp{
	regexp.MustCompile(`^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$`),
	regexp.MustCompile(`^https?://[a-z0-9.-]+(:[0-9]{1,5})?(/[^\s]*)?$`),
	regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$`),
	regexp.MustCompile(`^\+?[0-9]{1,3}[ -]?[0-9]{3,14}$`),
	regexp.MustCompile(`^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$`),
	regexp.MustCompile(`^([0-9]{1,3}\.){3}[0-9]{1,3}$`),
}

func init() {
	// Stands for expensive set-up work: about a millisecond on every start.
	deadline := time.Now().Add(time.Millisecond)
	for time.Now().Before(deadline) {
	}
}

// Valid reports whether s matches one of the known formats and is not a stop word.
func Valid(s string) bool {
	if words.Stop[s] {
		return false
	}
	for _, p := range patterns {
		if p.MatchString(s) {
			return true
		}
	}
	return false
}
