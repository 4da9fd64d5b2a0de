package catalog

import (
	"hash/crc32"
	"testing"
)

func TestCatalog(t *testing.T) {
	if got := ExtsByType("text/html"); len(got) != 2 || got[0] != ".htm" {
		t.Fatal(got)
	}
	b := []byte("hello")
	if Checksum(b) != crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli)) {
		t.Fatal("crc")
	}
}
