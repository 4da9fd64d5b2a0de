package main

import (
	"fmt"
	"regexp"
)

var (
	// digits matches numbers.
	digits = regexp.MustCompile(`^\d+$`) // want "digits: regexp.MustCompile runs at every start; build it on first use \\(codemodOnceValue\\)"
)

var words = map[string]int{ // want "words: a map literal of 32 entries"
	"one":       1,
	"two":       2,
	"three":     3,
	"four":      4,
	"five":      5,
	"six":       6,
	"seven":     7,
	"eight":     8,
	"nine":      9,
	"ten":       10,
	"eleven":    11,
	"twelve":    12,
	"thirteen":  13,
	"fourteen":  14,
	"fifteen":   15,
	"sixteen":   16,
	"seventeen": 17,
	"eighteen":  18,
	"nineteen":  19,
	"twenty":    20,
	"thirty":    30,
	"forty":     40,
	"fifty":     50,
	"sixty":     60,
	"seventy":   70,
	"eighty":    80,
	"ninety":    90,
	"hundred":   100,
	"thousand":  1000,
	"million":   1000000,
	"billion":   1000000000,
	"trillion":  1000000000000,
}

func main() {
	fmt.Println(digits.MatchString("42"), words["ten"])
}
