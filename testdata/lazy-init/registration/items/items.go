// Package items serves items over HTTP. What it registers into other packages at init
// (a flag, a published counter, a handler) must run before main; the values it only
// computes need not.
package items

import (
	"expvar"
	"flag"
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

// Prefix is where items are served: a flag of the program's command line, which main
// parses, so flag.CommandLine must know it before main.
var Prefix = flag.String("items.prefix", "/items/", "where items are served")

// served is published at /debug/vars as soon as the package is linked.
var served = expvar.NewInt("items.served")

// itemPath is only computed: it can wait for the first request.
var itemPath = regexp.MustCompile(`^/items/([a-z0-9-]+)$`) // want "itemPath: regexp.MustCompile runs at every start; build it on first use"

// slugger is only computed too.
var slugger = strings.NewReplacer(" ", "-", "_", "-") // want "slugger: strings.NewReplacer runs at every start; build it on first use"

func init() {
	http.HandleFunc("/items/", serve)
}

func serve(w http.ResponseWriter, r *http.Request) {
	m := itemPath.FindStringSubmatch(r.URL.Path)
	if m == nil {
		http.NotFound(w, r)
		return
	}
	served.Add(1)
	fmt.Fprintf(w, "item %s\n", m[1])
}

// Slug is the name of an item as its path spells it.
func Slug(name string) string { return strings.ToLower(slugger.Replace(name)) }
