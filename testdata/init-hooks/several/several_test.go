package several

import "testing"

func TestLong(t *testing.T) {
	if got := Long(); len(got) != 3 || Count() != 5 {
		t.Fatal(got, Count())
	}
}
