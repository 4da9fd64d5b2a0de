package main

import "testing"

func TestVersionIsSemver(t *testing.T) {
	if len(version) < 2 || version[0] != 'v' {
		t.Fatalf("version %q does not start with v", version)
	}
}
