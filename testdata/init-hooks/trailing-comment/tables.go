// Package tables fills two vars of one block in two init()s; the first has a comment
// after it on its line, which is not the second's doc.
package tables

import "strings"

var (
	index map[string]int // by word
	words []string
)

func init() { // want "fills index at every start; build it on first use \\(sync.OnceValue\\), 1 reference"
	index = map[string]int{}
	for i, w := range strings.Fields("x y z") {
		index[w] = i
	}
}

func init() { // want "fills words at every start; build it on first use \\(sync.OnceValue\\), 1 reference"
	words = strings.Fields("p q r")
}

// Index is the position of w.
func Index(w string) int { return index[w] }

// Words lists the words.
func Words() []string { return words }
