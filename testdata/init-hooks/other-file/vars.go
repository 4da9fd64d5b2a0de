package otherfile

import "regexp"

// patterns are compiled from the rules by init() in load.go.
var patterns []*regexp.Regexp
