// Package server is a library: its blank import exposes every program that links it.
package server

import (
	"net/http"

	// Metrics on /debug/vars.
	_ "expvar" // want "blank import of expvar"
)

// Handler serves the app.
func Handler() http.Handler { return http.NotFoundHandler() }
