// Package lib keeps a block comment on its debug import.
package lib

import (
	"fmt"
	_ "expvar" /* #nosec -- metrics */ // want "blank import of expvar"
)

// Hello greets.
func Hello() { fmt.Println("hello") }
