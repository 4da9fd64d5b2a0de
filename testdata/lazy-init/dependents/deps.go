// Package deps has a lazy value that another lazy value is built from.
package deps

import (
	"regexp"
	"strings"
)

const base = `[a-z]+`

// sep is a variable, but nothing ever assigns it: reading it later gives the same value.
var sep = "[-_]"

// anchored only computes from its argument.
func anchored(s string) string { return "^" + s + "$" }

var (
	// word is read by the initializer of sentence: both become lazy, in order.
	word     = regexp.MustCompile(base)                                                   // want "word: regexp.MustCompile"
	sentence = []*regexp.Regexp{word, regexp.MustCompile(base + `( ` + base + `)*[.!?]`)} // want "sentence: a composite literal calling regexp.MustCompile"
	quoted   = regexp.MustCompile(regexp.QuoteMeta(strings.Repeat("*", 3)))               // want "quoted: regexp.MustCompile"
	slug     = regexp.MustCompile(anchored(base + "(" + sep + base + ")*"))               // want "slug: regexp.MustCompile"
)

// Count counts the patterns s matches.
func Count(s string) int {
	n := 0
	for _, re := range sentence {
		if re.MatchString(s) {
			n++
		}
	}
	if quoted.MatchString(s) || slug.MatchString(s) {
		n++
	}
	return n
}
