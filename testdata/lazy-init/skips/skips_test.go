package skips

import (
	"regexp"
	"testing"
)

func TestSwap(t *testing.T) {
	swapped = regexp.MustCompile(`z`)
	if !swapped.MatchString("z") {
		t.Fatal("swap did not take")
	}
}
