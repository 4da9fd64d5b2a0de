//go:build linux || darwin

package main

import _ "net/http/pprof" // want "blank import of net/http/pprof"
