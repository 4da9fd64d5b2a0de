package main

import (
	"net/http"
	_ "net/http/pprof" // want "also imports it by name, so it stays linked"
)

func main() {
	http.ListenAndServe("127.0.0.1:0", newMux())
}
