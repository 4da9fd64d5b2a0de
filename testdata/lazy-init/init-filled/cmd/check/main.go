// Command check prints the public suffix of each argument.
package main

import (
	"fmt"
	"os"

	"example.com/initfilled/suffix"
)

func main() {
	for _, name := range os.Args[1:] {
		if r := suffix.DefaultList.Find(name); r != nil {
			fmt.Println(name, r.Value)
		}
	}
}
