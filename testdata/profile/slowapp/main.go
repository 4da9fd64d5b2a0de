// Command slowapp starts slowly because of a dependency: example.com/slowdep spends
// about a millisecond in its init and compiles a table of regular expressions.
package main

import (
	"flag"
	"fmt"

	"example.com/slowapp/internal/names"
	"example.com/slowdep"
)

var version = flag.Bool("version", false, "print the version and exit")

func main() {
	flag.Parse()
	if *version {
		fmt.Println("slowapp 1.0")
		return
	}
	fmt.Println(names.Of("de"), slowdep.Valid("user@example.com"))
}
