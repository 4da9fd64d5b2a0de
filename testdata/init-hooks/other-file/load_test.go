package otherfile

import "testing"

func TestMatch(t *testing.T) {
	if !Match("aaa") || Match("ab") {
		t.Fatal()
	}
}
