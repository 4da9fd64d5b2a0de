// Command stub hashes with runtime internals the linker refuses, and reads a clock
// through a pull that only go1.26's linker lets pass (nanotime1 is in assembly there).
package main

import (
	"fmt"
	"unsafe"
)

//go:linkname memhash128 runtime.memhash128
func memhash128(p unsafe.Pointer, h uintptr) uintptr // want "memhash128: the //go:linkname pull of runtime.memhash128 does not link with go1\.\d+(\.\d+)? for \w+/\w+ \(link: main: invalid reference to runtime.memhash128\): defined at runtime/alg.go:\d+ without a //go:linkname push marker"

//go:linkname memhash16 runtime.memhash16
func memhash16(p unsafe.Pointer, seed uintptr) uintptr // want "memhash16: .* does not link"

//go:linkname nanotime1 runtime.nanotime1
func nanotime1() int64 // want "nanotime1: the //go:linkname pull of runtime.nanotime1 (does not link|links) .*; time.Since gives the same without reaching into the runtime$"

func main() {
	x, y := [2]uint64{42, 43}, uint16(7)
	same := memhash128(unsafe.Pointer(&x), 1) == memhash128(unsafe.Pointer(&x), 1)
	start := nanotime1()
	fmt.Println(same, memhash16(unsafe.Pointer(&y), 1) != 0, nanotime1() >= start)
}
