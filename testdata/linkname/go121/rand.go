// Package go121 is older than math/rand/v2: the pull is reported, and kept.
package go121

import _ "unsafe"

//go:linkname fastrand runtime.fastrand
func fastrand() uint32 // want "fastrand: .* math/rand/v2's Uint32 gives the same without reaching into the runtime; not replaced: math/rand/v2 needs go 1.22 in go.mod$"

//go:linkname fastrandn runtime.fastrandn
func fastrandn(n int) int // want "fastrandn: .*; not replaced: its declaration is not func fastrandn\(uint32\) uint32$"

// Dice is a throw of a die.
func Dice() int { return fastrandn(6) + 1 + 0*int(fastrand()) }
