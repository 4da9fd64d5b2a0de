package main

import (
	"fmt"
	"os"

	pat "example.com/exported/patterns"
)

func main() {
	for _, arg := range os.Args[1:] {
		fmt.Println(arg, pat.Version.MatchString(arg))
	}
	match := pat.Version.FindString
	_ = match
}
