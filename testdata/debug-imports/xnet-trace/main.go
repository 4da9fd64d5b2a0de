package main

import (
	"log"
	"net/http"
	"runtime/trace"

	_ "golang.org/x/net/trace" // want "blank import of golang.org/x/net/trace"
)

func main() {
	mux := http.NewServeMux()
	log.Println(trace.IsEnabled())
	log.Fatal(http.ListenAndServe("127.0.0.1:0", mux))
}
