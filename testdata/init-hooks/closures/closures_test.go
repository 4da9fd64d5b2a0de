package closures

import "testing"

func TestRank(t *testing.T) {
	if First() != "apple" || Rank("pear") != 4 {
		t.Fatal(First(), Rank("pear"))
	}
}
