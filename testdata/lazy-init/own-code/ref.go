package owncode

import "errors"

// Ref is a parsed reference.
type Ref struct {
	Name, Label, Sum string
}

// Parse reads "name[:label][@sum]".
func Parse(s string) (Ref, error) {
	m := whole.FindStringSubmatch(s)
	if m == nil {
		return Ref{}, errors.New("invalid reference: " + s)
	}
	return Ref{Name: m[1], Label: m[2], Sum: m[3]}, nil
}

// Grouped reports whether s is a run of lower-case letters and digits.
func Grouped(s string) bool {
	return grouped.MatchString(s) && grouped.FindString(s) == s
}
