//go:build debug && !race

package main

import _ "expvar" // already behind the tag: not reported
