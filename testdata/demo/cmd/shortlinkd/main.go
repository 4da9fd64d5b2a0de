// Command shortlinkd serves short links over HTTP.
package main

import (
	_ "expvar"
	"flag"
	"fmt"
	"log"
	"net/http"
	_ "net/http/pprof"
	"os"
	"time"

	"example.com/shortlink/internal/api"
	"example.com/shortlink/internal/catalog"
)

var version = "v1.4.2"

var (
	addr        = flag.String("addr", "127.0.0.1:8080", "listen address")
	showVersion = flag.Bool("version", false, "print the version and exit")
	verbose     = flag.Bool("v", false, "log every request")
)

func main() {
	flag.Parse()
	if *showVersion {
		fmt.Printf("shortlinkd %s (%d content types)\n", version, catalog.Len())
		return
	}
	store := api.NewStore()
	mux := http.NewServeMux()
	mux.Handle("POST /links", api.CreateHandler(store))
	mux.Handle("GET /l/{slug}", api.RedirectHandler(store))
	mux.Handle("GET /", api.IndexHandler(store))
	var handler http.Handler = mux
	if *verbose {
		handler = logRequests(mux)
	}
	srv := &http.Server{Addr: *addr, Handler: handler, ReadHeaderTimeout: 5 * time.Second}
	log.Printf("listening on %s", *addr)
	if err := srv.ListenAndServe(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		next.ServeHTTP(w, r)
		log.Printf("%s %s %s", r.Method, r.URL.Path, time.Since(start))
	})
}
