// Package metrics publishes counters, as prometheus's client does, through expvar.
package metrics

import "expvar"

// Requests counts requests.
var Requests = expvar.NewInt("requests")
