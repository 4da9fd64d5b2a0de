// Package report reads a table of package tables directly.
package report

import "example.com/hooks/tables"

// Sum adds up tables.Direct.
func Sum() (n int) {
	for _, v := range tables.Direct {
		n += v
	}
	return n
}
