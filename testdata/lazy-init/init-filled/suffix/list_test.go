package suffix

import "testing"

func TestDefaultList(t *testing.T) {
	if r := DefaultList.Find("www.example.co.uk"); r == nil || r.Value != "co.uk" {
		t.Fatalf("got %+v", r)
	}
	if !Private("github.io") || Private("com") || Count("private") != 2 || Count("icann") != 3 || Count("country") != 1 {
		t.Fatal("wrong counts")
	}
}
