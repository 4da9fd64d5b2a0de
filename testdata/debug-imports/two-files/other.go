package main

// Handlers are served by the debug listener.
import _ "net/http/pprof"

func serve() {}
