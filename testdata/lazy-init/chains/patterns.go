// Package chains has values that only gather lazy values: they become lazy with them.
package chains

import "regexp"

var (
	// reA and reB do the work: they are compiled at every start.
	reA = regexp.MustCompile(`^a+$`) // want "reA: regexp.MustCompile runs at every start; build it on first use"
	reB = regexp.MustCompile(`^b+$`) // want "reB: regexp.MustCompile runs at every start; build it on first use"

	// all only gathers them: eager, it kept them eager ("no gain").
	all = []*regexp.Regexp{reA, reB} // want "all: built from reA, reB, which are made lazy: build it on first use too \(sync.OnceValue\), 2 references in the package; chain reA, reB -> all$"

	// first is read from all.
	first = all[0] // want "first: built from all, which is made lazy: .*; chain reA, reB -> all -> first$"
)

// byName is in another declaration, and names its values.
var byName = map[string]*regexp.Regexp{"a": reA, "b": reB} // want "byName: built from reA, reB, .*; chain reA, reB -> byName$"

// Any reports whether one of the patterns matches s.
func Any(s string) bool {
	for _, re := range all {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// First reports whether the first pattern matches s.
func First(s string) bool { return first.MatchString(s) }

// Named reports whether the pattern called name matches s.
func Named(name, s string) bool {
	re, ok := byName[name]
	return ok && re.MatchString(s)
}
