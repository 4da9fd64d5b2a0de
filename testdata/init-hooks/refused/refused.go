// Package refused holds init() functions that must stay as they are.
package refused

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"time"
)

var assigned map[int]string

func init() { // want "fills assigned at every start; not made lazy: assigned: assigned at refused.go:24"
	assigned = make(map[int]string)
	for i := 0; i < 100; i++ {
		assigned[i] = strconv.Itoa(i)
	}
}

// Reset empties the table.
func Reset() {
	assigned = nil
}

// Exported is filled at start-up; other packages may read it.
var Exported []int

func init() { // want "fills Exported at every start; not made lazy: Exported is exported: other packages may read it \\(the unsafe tier"
	for i := 0; i < 100; i++ {
		Exported = append(Exported, i*i)
	}
}

var pointed []int

func init() { // want "not made lazy: pointed: its address is taken at refused.go:44"
	for i := 0; i < 100; i++ {
		pointed = append(pointed, i)
	}
}

func grow() { p := &pointed; *p = append(*p, 1) }

var printed []string

func init() { // want "runs at every start; not made lazy: calls fmt.Println, whose result may differ at first use"
	for i := 0; i < 3; i++ {
		printed = append(printed, strconv.Itoa(i))
		fmt.Println(i)
	}
}

var timeouts []time.Duration

func init() { // want "runs at every start; not made lazy: writes http.DefaultClient.Timeout, a variable of another package"
	for i := 1; i < 4; i++ {
		timeouts = append(timeouts, time.Duration(i)*time.Second)
	}
	http.DefaultClient.Timeout = timeouts[0]
}

var routes = map[string]bool{}

func init() { // want "runs at every start; not made lazy: registers into http.DefaultServeMux, which must run before main"
	for _, r := range []string{"/a", "/b"} {
		routes[r] = true
		http.HandleFunc(r, func(http.ResponseWriter, *http.Request) {})
	}
}

var squares chan int

func init() { // want "runs at every start; not made lazy: starts a goroutine"
	squares = make(chan int)
	go func() {
		for i := 0; ; i++ {
			squares <- i * i
		}
	}()
}

var home map[string]string

func init() { // want "runs at every start; not made lazy: calls os.Getenv, whose result may differ at first use"
	home = map[string]string{}
	for _, k := range []string{"HOME", "USER"} {
		home[k] = os.Getenv(k)
	}
}

var verbose = map[string]*bool{}

func init() { // want "runs at every start; not made lazy: registers into flag.CommandLine, which must run before main"
	for _, name := range []string{"v", "vv"} {
		verbose[name] = flag.Bool(name, false, "be verbose")
	}
}

var memo map[int]int

func init() { // want "fills memo at every start; not made lazy: calls fib, which uses memo: it would ask for memo while it is being built"
	memo = map[int]int{0: 0, 1: 1}
	for i := 2; i < 50; i++ {
		fib(i)
	}
}

func fib(n int) int {
	if v, ok := memo[n]; ok {
		return v
	}
	memo[n] = fib(n-1) + fib(n-2)
	return memo[n]
}

var index map[string]int

func init() { // want "fills index at every start; not made lazy: no gain: index is read at start-up by init\\(\\) at refused.go:129"
	index = map[string]int{}
	for i, w := range []string{"a", "b", "c"} {
		index[w] = i
	}
}

var first string

func init() { // want "runs at every start; not made lazy: reads package variable index, which may change before first use"
	for w, i := range index {
		if i == 0 {
			first = w
		}
	}
}

type point struct{ x, y int }

var origin point

func init() { // want "fills origin at every start; not made lazy: origin is a value of type point: uses may need an addressable variable"
	for i := 0; i < 2; i++ {
		origin.x += i
	}
}

// Origin returns the origin.
func Origin() point { return origin }

var counter int

var next func() int

func init() { // want "fills counter and next at every start; not made lazy: counter is used at refused.go:158 in a func literal that may run later"
	for i := 0; i < 3; i++ {
		counter += i
	}
	next = func() int { counter++; return counter }
}
