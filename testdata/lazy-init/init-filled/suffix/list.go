// Package suffix knows public suffixes: a default list filled at start-up from a rule
// table, as publicsuffix-go does with its 10,000 rules.
package suffix

import "strings"

// Rule is one public suffix.
type Rule struct {
	Value   string
	Private bool
}

// List is a set of rules.
type List struct {
	rules map[string]*Rule
}

// NewList returns an empty list.
func NewList() *List {
	return &List{rules: make(map[string]*Rule)}
}

// AddRule adds r to the list.
func (l *List) AddRule(r *Rule) {
	l.rules[r.Value] = r
}

// Find returns the rule for the longest suffix of name the list knows, or nil.
func (l *List) Find(name string) *Rule {
	for name != "" {
		if r, ok := l.rules[name]; ok {
			return r
		}
		_, rest, found := strings.Cut(name, ".")
		if !found {
			break
		}
		name = rest
	}
	return nil
}

// DefaultList is the list of every known rule, filled by init.
var DefaultList = NewList() // want "DefaultList: init\(\) at list.go:\d+ calls DefaultList.AddRule in a loop at every start; not made lazy: it is exported and read by other packages \(cmd/check/main.go:\d+ in module example.com/initfilled\), and init\(\) fills it"

// private indexes the private rules.
var private = make(map[string]bool) // want "private: init\(\) at list.go:\d+ writes into private in a loop at every start; not made lazy: init\(\) fills it: the loop would have to move into the value's constructor"

// kinds names rule kinds; init() reads it for every rule.
var kinds = map[bool]string{false: "icann", true: "private"}

// counts counts the rules of each kind.
var counts = map[string]int{} // want "counts: init\(\) at list.go:\d+ writes into counts in a loop"

func init() {
	for i := range rules {
		r := &rules[i]
		DefaultList.AddRule(r)
		if r.Private {
			private[r.Value] = true
		}
		counts[kinds[r.Private]]++
		if _, tld, _ := strings.Cut(r.Value, "."); regions[tld] != "" {
			counts["country"]++
		}
	}
}

// Private reports whether name is a private suffix.
func Private(name string) bool { return private[name] }

// Count returns how many rules of a kind ("icann" or "private") there are.
func Count(kind string) int { return counts[kind] }
