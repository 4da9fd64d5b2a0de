package chains

import "testing"

func TestChains(t *testing.T) {
	if !Any("aa") || Any("c") || !First("a") || !Named("b", "bb") || Named("c", "c") {
		t.Fatal("patterns do not match")
	}
	if !Both("aa") || Both("b") || !Letter('Q') || Letter('1') {
		t.Fatal("both")
	}
}
