// Command app looks its arguments up.
package main

import (
	"flag"
	"fmt"

	"example.com/hooks/report"
	"example.com/hooks/tables"
)

var verbose = flag.Bool("v", false, "say more")

func main() { // want "main: start the lazyinit hooks in the background after flag parsing"
	flag.Parse()
	for _, a := range flag.Args() {
		n, ok := tables.Lookup(a)
		fmt.Println(a, n, ok)
	}
	if *verbose {
		fmt.Println(report.Sum(), tables.Size())
	}
}
