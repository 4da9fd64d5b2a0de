package paths

import "regexp"

var drive = regexp.MustCompile(`^[A-Za-z]:\\`) // want "drive: regexp.MustCompile"

// HasDrive reports whether p starts with a drive letter.
func HasDrive(p string) bool { return drive.MatchString(p) }
