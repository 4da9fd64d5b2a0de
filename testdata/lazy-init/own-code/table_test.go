package owncode

import (
	"hash/crc32"
	"testing"
)

func TestChecksum(t *testing.T) {
	if got, want := Checksum([]byte("hello")), crc32.ChecksumIEEE([]byte("hello")); got != want {
		t.Fatalf("got %x, want %x", got, want)
	}
	if Keyword("x") || InHome("\x00") {
		t.Fatal("x is no keyword")
	}
}
