package lazy

import (
	"regexp"
	"sync"
)

// old was made lazy by an earlier run.
var old = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`old`) })

// added since.
var added = regexp.MustCompile(`added`) // want "added: regexp.MustCompile"

// Match uses both.
func Match(s string) bool { return old().MatchString(s) || added.MatchString(s) }
