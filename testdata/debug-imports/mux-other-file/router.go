package main

import (
	"net/http"
	"runtime/pprof"
)

func newRouter() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("GET /profiles", func(w http.ResponseWriter, r *http.Request) {
		for _, p := range pprof.Profiles() {
			w.Write([]byte(p.Name() + "\n"))
		}
	})
	return m
}
