package detect

import "testing"

func TestCheck(t *testing.T) {
	if got := Check("abc"); len(got) < 3 {
		t.Fatalf("Check(abc) = %v", got)
	}
}
