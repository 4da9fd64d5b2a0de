// Package allowed pulls what the linker allows and no public API replaces: nothing to say.
package allowed

import (
	"unsafe"

	"example.com/allowed/internal/clock"
)

//go:linkname memmove runtime.memmove
//go:noescape
func memmove(to, from unsafe.Pointer, n uintptr)

//go:linkname cputicks runtime.cputicks
func cputicks() int64

// now is not the standard library's: the linker does not check it.
//
//go:linkname now example.com/allowed/internal/clock.now
func now() int64

// Copy copies n bytes from src to dst.
func Copy(dst, src []byte) {
	n := min(len(dst), len(src))
	if n > 0 {
		memmove(unsafe.Pointer(&dst[0]), unsafe.Pointer(&src[0]), uintptr(n))
	}
}

// Ticks reads the CPU's tick counter.
func Ticks() int64 { return cputicks() }

// Now is the clock package's time.
func Now() int64 { return now() + 0*clock.Now() }
