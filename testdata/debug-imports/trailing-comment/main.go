package main

import (
	"fmt"
	// Profiles for the on-call engineer.
	_ "net/http/pprof" // #nosec G108 -- served on localhost only // want "blank import of net/http/pprof"
)

func main() {
	fmt.Println("ok")
}
