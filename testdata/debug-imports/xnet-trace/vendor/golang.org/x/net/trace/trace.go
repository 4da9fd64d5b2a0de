// Package trace is a small stand-in for golang.org/x/net/trace written for this test:
// same import path, same init-time registration, same exported handlers.
package trace

import "net/http"

func init() {
	http.HandleFunc("/debug/requests", Traces)
	http.HandleFunc("/debug/events", Events)
}

// Traces serves the request traces page.
func Traces(w http.ResponseWriter, req *http.Request) { w.Write([]byte("requests\n")) }

// Events serves the event logs page.
func Events(w http.ResponseWriter, req *http.Request) { w.Write([]byte("events\n")) }
