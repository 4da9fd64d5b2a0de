package patterns_test

import (
	"testing"

	"example.com/exported/patterns"
)

func TestVersion(t *testing.T) {
	if !patterns.Version.MatchString("v1.2.3") || !patterns.Valid("v0.0.1") {
		t.Fatal("version not matched")
	}
}
