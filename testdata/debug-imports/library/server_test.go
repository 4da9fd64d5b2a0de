package server

import (
	_ "net/http/pprof" // tests may do as they like: not reported
	"testing"
)

func TestHandler(t *testing.T) {
	if Handler() == nil {
		t.Fatal("nil handler")
	}
}
