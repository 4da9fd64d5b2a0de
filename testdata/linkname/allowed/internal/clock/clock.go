// Package clock pushes a function for its module's other packages to pull.
package clock

import (
	"time"
	_ "unsafe"
)

//go:linkname now
func now() int64 { return time.Now().UnixNano() }

// Now is the wall clock in nanoseconds.
func Now() int64 { return now() }
