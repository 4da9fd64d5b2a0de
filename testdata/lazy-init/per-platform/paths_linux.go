package paths

import "regexp"

var mount = regexp.MustCompile(`^/proc/\d+/mounts$`) // want "mount: regexp.MustCompile"

// IsMounts reports whether p is a process's mount table.
func IsMounts(p string) bool { return mount.MatchString(p) }
