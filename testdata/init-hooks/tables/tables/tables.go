// Package tables answers questions from tables it builds once.
package tables

import "strconv"

// byName maps the decimal spelling of n to n.
var byName map[string]int

func init() { // want "fills byName at every start; build it on first use \\(sync.OnceValue\\), 1 reference"
	byName = make(map[string]int, 20000)
	for i := 0; i < 20000; i++ {
		byName[strconv.Itoa(i)] = i
	}
}

// composite[n] is true when n is not prime.
var composite []bool

func init() { // want "fills composite at every start; build it on first use \\(sync.OnceValue\\), 2 references"
	composite = make([]bool, 200000)
	composite[0], composite[1] = true, true
	for i := 2; i*i < len(composite); i++ {
		if composite[i] {
			continue
		}
		for j := i * i; j < len(composite); j += i {
			composite[j] = true
		}
	}
}

// Lookup returns the number spelled s.
func Lookup(s string) (int, bool) {
	n, ok := byName[s]
	return n, ok
}

// IsPrime reports whether n is a prime below 200,000.
func IsPrime(n int) bool { return n >= 0 && n < len(composite) && !composite[n] }
