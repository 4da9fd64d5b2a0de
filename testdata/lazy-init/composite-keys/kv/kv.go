// Package kv declares types whose keyed literals are written in another package.
package kv

// Map is a map whose key type the literal does not spell out.
type Map map[any]int

// Pair has an exported field whose name a package variable elsewhere shares.
type Pair struct{ Word string }
