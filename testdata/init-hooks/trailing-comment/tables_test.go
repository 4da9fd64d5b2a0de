package tables

import "testing"

func TestTables(t *testing.T) {
	if Index("z") != 2 || len(Words()) != 3 {
		t.Fatal(Index("z"), Words())
	}
}
