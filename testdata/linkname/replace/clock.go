package replace

import (
	"time"
	_ "unsafe"
)

//go:linkname nanotime runtime.nanotime
func nanotime() int64 // want "nanotime: the //go:linkname pull of runtime.nanotime links with go1\.\d+(\.\d+)? only because .*time_nofake.go:\d+\); time.Since gives the same"

//go:linkname fastexprand runtime.fastexprand
func fastexprand(mean int) int32 // want "fastexprand: the //go:linkname pull of runtime.fastexprand does not link with go1\.\d+(\.\d+)? for \w+/\w+ \(link: example.com/replace: invalid reference to runtime.fastexprand\): defined at runtime/malloc.go:\d+ without a //go:linkname push marker"

// Elapsed measures f on the monotonic clock.
func Elapsed(f func()) time.Duration {
	start := nanotime()
	f()
	return time.Duration(nanotime() - start)
}

// NextSample is the distance to the next sample, exponentially distributed around rate.
func NextSample(rate int) int32 { return fastexprand(rate) }
