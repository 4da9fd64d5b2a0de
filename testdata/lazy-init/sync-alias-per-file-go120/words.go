// Package words imports the standard sync in one file and its own sync in another:
// imports are per file, so only the file that imports the other sync needs an alias.
package words

import "regexp"

var word = regexp.MustCompile(`^\w+$`) // want "word: regexp.MustCompile"

// Word reports whether s is one word.
func Word(s string) bool { return word.MatchString(s) }
