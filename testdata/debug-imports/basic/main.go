package main

import (
	_ "expvar" // want "blank import of expvar runs its init"
	"fmt"
	"net/http"
	_ "net/http/pprof" // want "blank import of net/http/pprof .*gosec G108"
)

func main() {
	fmt.Println(http.StatusOK)
}
