package main

import _ "net/http/pprof" // want "also imported in other.go"

func main() {}
