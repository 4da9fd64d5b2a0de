package tables

import "testing"

func TestTables(t *testing.T) {
	if len(Names) != 1000 || Names["999"] != 999 {
		t.Fatal("the test reads the table directly: it must be prepared")
	}
	if n, ok := Lookup("42"); !ok || n != 42 || Size() != 1000 {
		t.Fatal(n, ok)
	}
	if c := (Point{}).Corner(); c.X != 20 || c.Y != 40 {
		t.Fatal(c)
	}
}
