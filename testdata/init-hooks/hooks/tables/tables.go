// Package tables prepares exported tables in init().
package tables

import "strconv"

// Names maps the decimal spelling of n to n.
var Names = map[string]int{}

func init() { // want "fills Names at every start; not made lazy: Names is exported.*; as a lazyinit hook it runs at the first call of Lookup, Size"
	for i := 0; i < 1000; i++ {
		Names[strconv.Itoa(i)] = i
	}
}

// Lookup returns the number spelled s.
func Lookup(s string) (int, bool) {
	n, ok := Names[s]
	return n, ok
}

// Size is the number of names.
func Size() int { return count() }

func count() int { return len(Names) }

// A Point is a place on the grid.
type Point struct{ X, Y int }

var corner Point

func init() { // want "fills corner at every start; not made lazy: corner is a value of type Point.*; as a lazyinit hook it runs at the first call of Point.Corner"
	for i := 0; i < 3; i++ {
		if i == 2 {
			return
		}
		corner.X += 10
		corner.Y = corner.X * 2
	}
}

// Corner is the far corner of the grid.
func (Point) Corner() Point { return corner }

// Direct is read by package report itself.
var Direct []int

func init() { // want "fills Direct at every start; not made lazy: Direct is exported.*; nor as a lazyinit hook: other packages read Direct directly \\(report.go:8\\)"
	for i := 0; i < 10; i++ {
		Direct = append(Direct, i)
	}
}
