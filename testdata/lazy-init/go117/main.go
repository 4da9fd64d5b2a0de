package main

import (
	"fmt"
	"regexp"
)

// digits matches numbers.
var digits = regexp.MustCompile(`^\d+$`) // want "digits: regexp.MustCompile runs at every start; build it on first use \\(codemodOnceRegexp\\)"

func main() {
	fmt.Println(digits.MatchString("42"))
}
