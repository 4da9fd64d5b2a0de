// Package trace has its own type called sync, as Go's internal/trace does.
package trace

import "regexp"

// sync holds per-generation data.
type sync struct{ generation int }

var eventName = regexp.MustCompile(`^[A-Z][A-Za-z]+$`) // want "eventName: regexp.MustCompile"

// Valid reports whether name is an event name of a synced generation.
func Valid(name string) bool {
	s := sync{generation: 1}
	return s.generation > 0 && eventName.MatchString(name)
}
