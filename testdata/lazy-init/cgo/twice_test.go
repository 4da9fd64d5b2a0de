package twice

import "testing"

func TestTwice(t *testing.T) {
	if got := Twice("1", 21); got != 42 {
		t.Fatalf("Twice = %d", got)
	}
}
