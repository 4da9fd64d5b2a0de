package owncode

import (
	"os"
	"strings"
)

// crcTable is built by a loop in the package's own function.
var crcTable = buildTable(0xedb88320) // want "crcTable: a loop in buildTable runs at every start; build it on first use"

// keywords is built from an environment variable: reading it later could differ.
var keywords = fromEnv("OWNCODE_KEYWORDS") // want "keywords: a loop in fromEnv runs at every start; not made lazy: calls fromEnv\(\), whose result may differ at first use \(calls os.Getenv"

func buildTable(poly uint32) []uint32 {
	t := make([]uint32, 256)
	for i := range t {
		crc := uint32(i)
		for j := 0; j < 8; j++ {
			if crc&1 == 1 {
				crc = crc>>1 ^ poly
			} else {
				crc >>= 1
			}
		}
		t[i] = crc
	}
	return t
}

func fromEnv(name string) map[string]bool {
	set := map[string]bool{}
	for _, k := range strings.Fields(os.Getenv(name)) {
		set[k] = true
	}
	return set
}

// Checksum is the IEEE CRC-32 of b.
func Checksum(b []byte) uint32 {
	crc := ^uint32(0)
	for _, c := range b {
		crc = crcTable[byte(crc)^c] ^ crc>>8
	}
	return ^crc
}

// Keyword reports whether s was listed in $OWNCODE_KEYWORDS at start-up.
func Keyword(s string) bool { return keywords[s] }
