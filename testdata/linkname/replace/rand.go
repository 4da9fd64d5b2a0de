// Package replace pulls runtime internals that public APIs give as well.
package replace

import (
	"strings"
	_ "unsafe" // for go:linkname
)

// fastrand is the runtime's generator.
//
//go:linkname fastrand runtime.fastrand
func fastrand() uint32 // want "fastrand: the //go:linkname pull of runtime.fastrand links with go1\.\d+(\.\d+)? only because the runtime keeps it for old code \(pushed by //go:linkname at runtime/rand.go:\d+\); math/rand/v2's Uint32 gives the same"

//go:linkname fastrand64 runtime.fastrand64
func fastrand64() uint64 // want "fastrand64: .* math/rand/v2's Uint64"

//go:linkname fastrandn runtime.fastrandn
func fastrandn(n uint32) uint32 // want "fastrandn: .* math/rand/v2's Uint32N"

// Token is a random token of n letters.
func Token(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteByte(byte('a' + fastrandn(26)))
	}
	return b.String()
}

// Seed is a random 64-bit seed, never 0 in practice.
func Seed() uint64 { return fastrand64() | uint64(fastrand()) }
