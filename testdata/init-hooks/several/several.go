// Package several builds two tables in one init().
package several

import "strings"

var (
	// words lists the words of the text.
	words   []string
	lengths map[string]int // by word
	limit   = 3
)

func init() { // want "fills words and lengths at every start; build them on first use \\(sync.OnceValue\\), 3 references"
	lengths = make(map[string]int)
	for _, w := range strings.Fields(text) {
		if len(words) > 100 {
			return
		}
		words = append(words, w)
		lengths[w] = len(w)
	}
}

const text = `one two
three four five`

// Long returns the words longer than the limit.
func Long() (out []string) {
	for _, w := range words {
		if lengths[w] > limit {
			out = append(out, w)
		}
	}
	return out
}

// Count is the number of words.
func Count() int { return len(words) }
