//go:build ignore

// A generator kept beside the package: never part of a build, never rewritten.
package main

import (
	_ "net/http/pprof"
	"regexp"
)

var word = regexp.MustCompile(`\w+`)

func main() { println(word.String()) }
