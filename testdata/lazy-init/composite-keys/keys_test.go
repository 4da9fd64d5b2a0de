package main

import "testing"

func TestTables(t *testing.T) {
	if got := len(tables()); got != 11 {
		t.Fatalf("%d tables", got)
	}
}
