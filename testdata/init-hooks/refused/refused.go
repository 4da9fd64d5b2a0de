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

func init() { // want "fills memo at every start; not made lazy: calls fib, which uses memo: it would ask for memo while it is being built; nor as a lazyinit hook: memo is used at refused.go:78, which no exported function reaches"
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

func init() { // want "fills index at every start; not made lazy: no gain: index is read at start-up by init\\(\\) at refused.go:96; nor as a lazyinit hook: index is used at start-up by init\\(\\) at refused.go:96"
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

var counter int

var next func() int

func init() { // want "fills counter and next at every start; not made lazy: counter is used at refused.go:112 in a func literal that may run later.*; nor as a lazyinit hook: no exported function of the package reads counter and next"
	for i := 0; i < 3; i++ {
		counter += i
	}
	next = func() int { counter++; return counter }
}

var quads = makeQuads()

func makeQuads() map[int]int {
	m := map[int]int{}
	for i := 0; i < 10; i++ {
		m[i] = i * i
	}
	return m
}

var cubes map[int]int

func init() { // want "fills cubes at every start; not made lazy: it reads quads, built at start-up only for it, and quads cannot be built on first use too: cannot tell its type"
	cubes = map[int]int{}
	for k, v := range quads {
		cubes[k] = v * k
	}
}
