package owncode

import "testing"

func TestParse(t *testing.T) {
	r, err := Parse("example.com:5000/team/app:v1.2")
	if err != nil || r.Name != "example.com:5000/team/app" || r.Label != "v1.2" || r.Sum != "" {
		t.Fatalf("got %+v, %v", r, err)
	}
	if _, err := Parse("UPPER"); err == nil {
		t.Fatal("UPPER parsed")
	}
	if !Host.MatchString("example.com") || !Label.MatchString("v1") || !Grouped("abc") {
		t.Fatal("parts do not match")
	}
}
