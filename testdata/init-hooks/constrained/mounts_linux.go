package constrained

import "strings"

var mounts map[string]bool

func init() { // want "fills mounts at every start; build it on first use"
	mounts = map[string]bool{}
	for _, m := range strings.Split("/proc /sys /dev", " ") {
		mounts[m] = true
	}
}

// IsSpecial reports whether p is a special mount point.
func IsSpecial(p string) bool { return mounts[p] }
