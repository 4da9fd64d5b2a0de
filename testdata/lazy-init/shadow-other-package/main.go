package main

import (
	"fmt"
	"regexp"
	"strings"
)

// strings is a package name elsewhere; here the var named replacer must not be
// confused with other packages' names that look alike.
var replacer = strings.NewReplacer("a", "b") // want "replacer: strings.NewReplacer"

type config struct{ replacer string }

func main() {
	c := config{replacer: "x"}
	fmt.Println(replacer.Replace("abc"), c.replacer, regexp.QuoteMeta("."))
}
