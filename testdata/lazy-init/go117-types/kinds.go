package main

type kind int

const (
	small kind = iota
	large
)

var kinds = map[string]kind{"s": small, "m": small, "l": large} // want "kinds: a map literal of 3 entries runs at every start; build it on first use \\(codemodOnceMapStringKind\\)"
