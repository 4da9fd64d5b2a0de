// Package register only registers into other packages at init: all of it must run
// before main.
package register

import (
	"expvar"
	"flag"
	"net/http"
)

var name = flag.String("name", "world", "who to greet")

var hits = expvar.NewInt("hits")

func init() {
	http.HandleFunc("/hello", hello)
}

func hello(w http.ResponseWriter, _ *http.Request) {
	hits.Add(1)
	_, _ = w.Write([]byte("hello " + *name))
}

// Name is the -name flag.
func Name() string { return *name }
