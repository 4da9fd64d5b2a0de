package version

import "testing"

func TestValid(t *testing.T) {
	if !Valid("v1.2.3") || Valid("x") || !Semver("1.2-beta") || Semver("1.2-") {
		t.Fatal("wrong")
	}
}
