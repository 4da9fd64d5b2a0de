package main

import _ "net/http/pprof" // want "blank import of net/http/pprof"

func main() {}
