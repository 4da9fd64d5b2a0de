package main

import (
	"log"
	"net/http"
	_ "net/http/pprof" // want "blank import of net/http/pprof"
)

func main() {
	log.Fatal(http.ListenAndServe("127.0.0.1:0", newRouter()))
}
