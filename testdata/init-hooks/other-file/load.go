// Package otherfile compiles its patterns in an init() of another file.
package otherfile

import rx "regexp"

var rules = []string{`^a+$`, `^b+$`}

func init() { // want "fills patterns at every start; build it on first use"
	for _, r := range rules {
		patterns = append(patterns, rx.MustCompile(r))
	}
}

// Match reports whether s matches any pattern.
func Match(s string) bool {
	for _, p := range patterns {
		if p.MatchString(s) {
			return true
		}
	}
	return false
}
