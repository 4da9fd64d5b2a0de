package refused

import "regexp"

// source hides a call from Go's initialization order: a call through an interface.
type source interface{ patterns() []*regexp.Regexp }

type table struct{}

func (table) patterns() []*regexp.Regexp { return rules }

// firstOf is the first pattern of s, or reF while s has none (rules, during its own
// initialization: eager, it is still nil there).
func firstOf(s source) *regexp.Regexp {
	if p := s.patterns(); len(p) > 0 {
		return p[0]
	}
	return reF
}

var reF = regexp.MustCompile(`^f+$`) // want "reF: .* not made lazy: no gain: read at start-up by the initializer of rules at cycle.go:23 \(through firstOf\), which stays eager: its initializer calls table.patterns, which reads rules: Go's initialization order does not see that call, and lazily rules would wait for itself$"

var rules = []*regexp.Regexp{reF, firstOf(table{})}

// Rules reports how many rules match s.
func Rules(s string) int {
	n := 0
	for _, re := range rules {
		if re.MatchString(s) {
			n++
		}
	}
	return n
}
