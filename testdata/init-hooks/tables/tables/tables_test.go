package tables

import "testing"

func TestTables(t *testing.T) {
	if n, ok := Lookup("19999"); !ok || n != 19999 {
		t.Fatal(n, ok)
	}
	if !IsPrime(199999) || IsPrime(199998) {
		t.Fatal("sieve")
	}
}
