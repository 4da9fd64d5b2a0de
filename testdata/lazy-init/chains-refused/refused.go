// Package refused has chains that must stay eager, each saying why.
package refused

import (
	"os"
	"regexp"
)

var (
	reA = regexp.MustCompile(`^a+$`) // want "reA: regexp.MustCompile runs at every start; not made lazy: no gain: read at start-up by the initializer of Patterns at refused.go:14, which stays eager: it is exported: a lazy Patterns would change the package's API for a value that costs nothing itself$"
	reB = regexp.MustCompile(`^b+$`) // want "reB: .* not made lazy: no gain: read at start-up by the initializer of Patterns at refused.go:14, which stays eager: it is exported"

	// Patterns is the package's API: other packages read it as a slice.
	Patterns = []*regexp.Regexp{reA, reB}
)

// reC is read by a link that reads the environment: lazily it could see another value.
var reC = regexp.MustCompile(`^c+$`) // want "reC: .* not made lazy: no gain: read at start-up by the initializer of picked at refused.go:20, which stays eager: calls os.Getenv, whose result may differ at first use$"

var picked = map[bool]*regexp.Regexp{os.Getenv("REFUSED_STRICT") != "": reC}

// reE is read by a link that init() reads, through a function.
var reE = regexp.MustCompile(`^e+$`) // want "reE: .* not made lazy: no gain: read at start-up by the initializer of warmed at refused.go:25, which stays eager: no gain: read at start-up by init\(\) at refused.go:27 \(through warm\)$"

var warmed = []*regexp.Regexp{reE}

func init() { warm() }

func warm() {
	for _, re := range warmed {
		re.MatchString("")
	}
}

// Strict reports whether s matches the pattern picked at start-up.
func Strict(s string) bool {
	re, ok := picked[true]
	return ok && re.MatchString(s)
}
