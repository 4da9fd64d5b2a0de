// Package paths was made lazy by an older codemod, which forced a windows-only value
// in a test built everywhere; this run moves it to a test built only on windows.
package paths

import (
	"regexp"
	"sync"
)

var slashes = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`/+`) })

// Clean squeezes repeated slashes.
func Clean(p string) string { return slashes().ReplaceAllString(p, "/") }
