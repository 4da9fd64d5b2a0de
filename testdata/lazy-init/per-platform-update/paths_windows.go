package paths

import (
	"regexp"
	"sync"
)

var drive = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z]:\\`) })

// HasDrive reports whether p starts with a drive letter.
func HasDrive(p string) bool { return drive().MatchString(p) }
