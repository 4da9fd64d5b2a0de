package allowed

import "testing"

func TestAllowed(t *testing.T) {
	dst := make([]byte, 3)
	Copy(dst, []byte("abc"))
	if string(dst) != "abc" || Now() == 0 {
		t.Fatal(string(dst))
	}
	_ = Ticks()
}
