// Command initapp links four dependency packages: one that only registers things at
// init (a flag, an expvar, an HTTP handler), one with a regexp a rule makes lazy, one
// whose init() spins with nothing a rule can defer, and one with init work and no item.
package main

import (
	"flag"
	"fmt"

	"example.com/initdep/copies"
	"example.com/initdep/lazy"
	"example.com/initdep/register"
	"example.com/initdep/slow"
)

var version = flag.Bool("version", false, "print the version and exit")

func main() {
	flag.Parse()
	if *version {
		fmt.Println("initapp 1.0")
		return
	}
	fmt.Println(register.Name(), lazy.Word("abc"), slow.Ready, len(copies.All))
}
