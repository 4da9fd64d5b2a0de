package refused

import "testing"

func TestRefused(t *testing.T) {
	if len(Patterns) != 2 || Strict("c") && Strict("x") || Rules("f") != 2 {
		t.Fatal("patterns")
	}
}
