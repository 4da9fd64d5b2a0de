package main

import _ "expvar" // want "blank import of expvar"

import "fmt"

func main() { fmt.Println("hi") }
