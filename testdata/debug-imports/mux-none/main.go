package main

import (
	"log"
	"net/http"
	_ "net/http/pprof" // want "no fix: the package creates no \\*http.ServeMux"
)

func main() {
	log.Fatal(http.ListenAndServe("127.0.0.1:0", nil))
}
