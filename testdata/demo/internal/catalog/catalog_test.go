package catalog_test

import (
	"testing"

	"example.com/shortlink/internal/catalog"
)

func TestTypeByExt(t *testing.T) {
	for _, ext := range []string{".html", "json", ".PNG"} {
		if _, ok := catalog.TypeByExt(ext); !ok {
			t.Errorf("no type for %s", ext)
		}
	}
	if got := catalog.ExtsByType("image/png"); len(got) == 0 || got[0] != ".png" {
		t.Errorf("ExtsByType(image/png) = %v", got)
	}
}

func TestChecksum(t *testing.T) {
	// The CRC-32C check value.
	if got := catalog.Checksum([]byte("123456789")); got != 0xe3069283 {
		t.Fatalf("Checksum = %#x", got)
	}
}
