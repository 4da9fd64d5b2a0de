//go:build unix

// Package tables only builds on unix systems.
package tables

import "regexp"

var mountLine = regexp.MustCompile(`^(\S+) on (\S+) type (\S+)`) // want "mountLine: regexp.MustCompile"

// Mount parses one line of mount(8) output.
func Mount(line string) []string { return mountLine.FindStringSubmatch(line) }
