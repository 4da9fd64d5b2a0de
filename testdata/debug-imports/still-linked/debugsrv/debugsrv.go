// Package debugsrv serves profiles on a mux of its own.
package debugsrv

import (
	"net/http"
	"net/http/pprof"
)

// Mux serves the profiles.
func Mux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	return mux
}
