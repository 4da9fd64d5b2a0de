package owncode

import (
	"os"
	"regexp"
	"strings"
)

// crcTable is built by a loop in the package's own function.
var crcTable = buildTable(0xedb88320) // want "crcTable: a loop in buildTable runs at every start; build it on first use"

// keyword is built from an environment variable: reading it later could differ.
var keyword = fromEnv("OWNCODE_KEYWORDS") // want "keyword: regexp.MustCompile \(through fromEnv\) runs at every start; not made lazy: calls fromEnv\(\), whose result may differ at first use \(calls os.Getenv"

// home is read by a loop, but in a function that reads the environment: no known cost.
var home = splitEnv("HOME")

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

func fromEnv(name string) *regexp.Regexp {
	return match("^(?:" + strings.Join(strings.Fields(os.Getenv(name)), "|") + ")$")
}

func splitEnv(name string) map[string]bool {
	set := map[string]bool{}
	for _, k := range strings.Split(os.Getenv(name), "/") {
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
func Keyword(s string) bool { return keyword.MatchString(s) }

// InHome reports whether s is a part of $HOME.
func InHome(s string) bool { return home[s] }
