// Package copies has no init() and no initializer with a call, map or conversion, yet
// init work: its initializers copy other package vars, which the compiler cannot lay
// out statically, so it emits code that runs at init.
package copies

// Namer names things.
type Namer interface{ Name() string }

type named struct{ name string }

func (n *named) Name() string { return n.name }

var first, second = named{"first"}, named{"second"}

// First and Second are the package's namers.
var (
	First  Namer = &first
	Second Namer = &second
)

// All lists every namer: copies of First and Second, made at init.
var All = []Namer{First, Second}
