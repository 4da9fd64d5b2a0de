package main

import (
	"regexp"
	"strings"
)

var word = regexp.MustCompile(`^\w+$`) // want "word: regexp.MustCompile runs at every start; build it on first use \\(codemodOnceRegexp\\)"

var unescape = strings.NewReplacer("&amp;", "&", "&lt;", "<") // want "unescape: strings.NewReplacer runs at every start; build it on first use \\(codemodOnceStringsReplacer\\)"
