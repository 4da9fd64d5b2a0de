package main

import (
	"fmt"
	re "regexp"
)

// digits matches numbers.
var digits = re.MustCompile(`^\d+$`) // want "digits: regexp.MustCompile runs at every start; build it on first use \\(codemodOnceRegexp2\\)"

// regexp takes the name of the package: no file of this package can import regexp by
// its own name, the generated helper file included.
func regexp(s string) bool { return s == digits.String() }

// codemodOnceRegexp is the program's own and keeps its name.
func codemodOnceRegexp() string { return "mine" }

func main() {
	fmt.Println(digits.MatchString("42"), regexp(`^\d+$`), codemodOnceRegexp())
}
