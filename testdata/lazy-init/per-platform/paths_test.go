package paths

import "testing"

func TestClean(t *testing.T) {
	if got := Clean("a//b"); got != "a/b" {
		t.Fatal(got)
	}
}
