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

// span is every byte from first to last.
func span(first, last byte) []byte {
	var out []byte
	for b := first; b <= last; b++ {
		out = append(out, b)
	}
	return out
}

// letters does work of its own: its type is the type of what it appends to.
var letters = append(span('a', 'z'), span('A', 'Z')...) // want "letters: a loop in span runs at every start; build it on first use"

// Letter reports whether b is an ASCII letter.
func Letter(b byte) bool {
	for _, l := range letters {
		if l == b {
			return true
		}
	}
	return false
}
