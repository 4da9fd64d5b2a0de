// Package primes knows the primes below 1000.
package primes

import "strconv"

var sieve []bool

func init() { // want "fills sieve at every start; build it on first use \\(codemodOnceValue\\)"
	sieve = make([]bool, 1000)
	for i := 2; i < len(sieve); i++ {
		for j := i * i; j < len(sieve); j += i {
			sieve[j] = true
		}
	}
}

var (
	names  []string
	byName map[string]int
)

func init() { // want "fills names and byName at every start; build them on first use \\(codemodOnceValue\\)"
	byName = map[string]int{}
	for i := 0; i < 100; i++ {
		names = append(names, strconv.Itoa(i))
		byName[names[i]] = i
	}
}

// IsPrime reports whether 1 < n < 1000 is prime.
func IsPrime(n int) bool { return n > 1 && n < 1000 && !sieve[n] }

// Name returns n's name and whether it is known.
func Name(n int) (string, bool) {
	if n < 0 || n >= len(names) {
		return "", false
	}
	return names[n], byName[names[n]] == n
}
