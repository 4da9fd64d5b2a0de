// Command items prints the path of each item named on its command line.
package main

import (
	"flag"
	"fmt"

	"example.com/registration/items"
)

var version = flag.Bool("version", false, "print the version and exit")

func main() {
	flag.Parse()
	if *version {
		fmt.Println("items 1.0")
		return
	}
	for _, name := range flag.Args() {
		fmt.Println(*items.Prefix + items.Slug(name))
	}
}
