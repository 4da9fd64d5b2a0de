// Command tables prints whether its arguments are primes.
package main

import (
	"fmt"
	"os"
	"strconv"

	"example.com/tables/tables"
)

func main() {
	for _, a := range os.Args[1:] {
		n, _ := strconv.Atoi(a)
		fmt.Println(a, tables.IsPrime(n))
	}
}
