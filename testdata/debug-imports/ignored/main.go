package main

import (
	//codemod:ignore debug-imports -- the ops team relies on /debug/vars
	_ "expvar"
	_ "net/http/pprof" //codemod:ignore debug-imports
)

//codemod:ignore debug-imports // want "suppresses nothing"
func main() {}
