//go:build ignore

// A standalone tool kept beside the package (go run tool.go): never in a build.
package main

import _ "net/http/pprof"

func main() {}
