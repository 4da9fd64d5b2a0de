package main

// Profiles are served on Linux hosts only.
import _ "net/http/pprof" // want "blank import of net/http/pprof runs its init on every start"
