package chains

import rx "regexp"

// word is compiled through another import name; both gathers it with reA, in another file.
var word = rx.MustCompile(`^\w+$`) // want "word: regexp.MustCompile runs at every start"

var both = append([]*rx.Regexp{word}, reA) // want "both: built from reA, word, which are made lazy: .*; chain reA, word -> both$"

// Both reports whether every pattern of both matches s.
func Both(s string) bool {
	for _, re := range both {
		if !re.MatchString(s) {
			return false
		}
	}
	return true
}
