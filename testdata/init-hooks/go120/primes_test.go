package primes

import "testing"

func TestPrimes(t *testing.T) {
	if !IsPrime(997) || IsPrime(999) {
		t.Fatal("sieve")
	}
	if s, ok := Name(42); !ok || s != "42" {
		t.Fatal(s, ok)
	}
}
