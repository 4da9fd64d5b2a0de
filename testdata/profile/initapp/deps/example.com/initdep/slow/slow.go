// Package slow spends about a millisecond in its init(), which no rule can defer.
package slow

import "time"

// Ready is set by init.
var Ready bool

func init() {
	deadline := time.Now().Add(time.Millisecond)
	for time.Now().Before(deadline) {
	}
	Ready = true
}
