// Command still-linked blank-imports debug packages that other packages of the
// program import anyway: moving the blank imports would change nothing.
package main

import (
	_ "expvar" // want "expvar stays linked without this import \(example.com/stilllinked -> example.com/stilllinked/metrics -> expvar\)"
	"net/http"
	_ "net/http/pprof" // want "net/http/pprof stays linked .*example.com/stilllinked/debugsrv -> net/http/pprof"

	"example.com/stilllinked/debugsrv"
	"example.com/stilllinked/metrics"
)

func main() {
	metrics.Requests.Add(1)
	http.ListenAndServe("127.0.0.1:0", debugsrv.Mux())
}
