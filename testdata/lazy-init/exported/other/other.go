// Package other has its own Version, which must not be rewritten.
package other

import "example.com/exported/patterns"

// Version is this package's own.
var Version = "v9.9.9"

// Check uses both.
func Check() bool {
	var patterns struct{ Version string } // shadows the import: not the package
	patterns.Version = Version
	return patterns.Version != ""
}

var _ = patterns.Valid
