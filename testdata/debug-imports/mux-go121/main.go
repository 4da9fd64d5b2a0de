package main

import (
	"log"
	"net/http"
	_ "net/http/pprof" // want "blank import of net/http/pprof"
)

func main() {
	router := &http.ServeMux{}
	router.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {})
	log.Fatal(http.ListenAndServe("127.0.0.1:0", router))
}
