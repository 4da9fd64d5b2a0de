// Package catalog indexes a table it never changes.
package catalog

import "sort"

var extTypes = map[string]string{".html": "text/html", ".htm": "text/html", ".png": "image/png"}

var (
	byType   map[string][]string
	crcTable [256]uint32
)

// The reverse index, built on every start.
func init() { // want "fills byType at every start; build it on first use"
	byType = make(map[string][]string, len(extTypes))
	for ext, typ := range extTypes {
		byType[typ] = append(byType[typ], ext)
	}
	for _, exts := range byType {
		sort.Strings(exts)
	}
}

// A CRC-32C table, also built on every start.
func init() { // want "fills crcTable at every start; build it on first use"
	const poly = 0x82f63b78
	for i := range crcTable {
		c := uint32(i)
		for j := 0; j < 8; j++ {
			if c&1 == 1 {
				c = c>>1 ^ poly
			} else {
				c >>= 1
			}
		}
		crcTable[i] = c
	}
}

// ExtsByType returns the extensions of a content type, sorted.
func ExtsByType(typ string) []string { return byType[typ] }

// TypeByExt returns the content type of an extension.
func TypeByExt(ext string) string { return extTypes[ext] }

// Checksum is the CRC-32C of b.
func Checksum(b []byte) uint32 {
	crc := ^uint32(0)
	for _, v := range b {
		crc = crcTable[byte(crc)^v] ^ crc>>8
	}
	return ^crc
}
