// Command keys uses a lazy value as a map key where the key type is not spelled out.
package main

import (
	"fmt"
	"regexp"

	"example.com/keys/kv"
)

type counts = map[any]int

type gm[K comparable] map[K]int

type nested[V any] map[string]V

type point struct{ re, x int }

var re = regexp.MustCompile(`^a+$`) // want "re: regexp.MustCompile"

var Word = regexp.MustCompile(`\w+`) // want "Word: regexp.MustCompile .*not made lazy: cannot tell whether Word at keys.go:36 is a map key or a struct field name: kv.Pair is declared in another package"

// tables builds every literal once: a func value as a map key panics here.
func tables() []any {
	return []any{
		map[string]map[any]int{"a": {re: 1}},
		kv.Map{re: 2},
		gm[any]{re: 3},
		counts{re: 4},
		nested[map[any]int]{"b": {re: 5}},
		[]map[any]int{{re: 6}},
		map[any]int{re: 7},
		[]*point{{re: 8}},
		[...]gm[*regexp.Regexp]{{re: 9}},
		point{re: 10, x: len(re.String())},
		kv.Pair{Word: Word.String()},
	}
}

func main() { fmt.Println(len(tables()), re.MatchString("aa")) }
