// Command app serves on its own mux, so the blank imports' DefaultServeMux routes were
// never served at all.
package main

import (
	_ "expvar" // want "blank import of expvar"
	"log"
	"net/http"
	_ "net/http/pprof" // want "blank import of net/http/pprof"
)

func main() {
	log.Fatal(http.ListenAndServe("127.0.0.1:0", routes()))
}

func routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {})
	return mux
}
