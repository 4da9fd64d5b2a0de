// Package reference parses container image references ("[domain/]path[:tag][@digest]")
// with a grammar of regular expressions. It is written for codemod's tests in the shape
// of github.com/docker/distribution/reference v2.7.1: the grammar is compiled at
// initialization through a func-valued variable bound to regexp.MustCompile.
package reference

import (
	"errors"
	"strings"
)

// NameTotalLengthMax is the longest name accepted.
const NameTotalLengthMax = 255

var (
	// ErrFormat is returned for a string that is not a reference.
	ErrFormat = errors.New("invalid reference format")

	// ErrNameEmpty is returned for an empty reference.
	ErrNameEmpty = errors.New("repository name must have at least one component")

	// ErrNameTooLong is returned for a name longer than NameTotalLengthMax.
	ErrNameTooLong = errors.New("repository name must not be more than 255 characters")

	// ErrNameContainsUppercase is returned for a name with an upper-case letter.
	ErrNameContainsUppercase = errors.New("repository name must be lowercase")
)

// Reference is a parsed reference: the name split into domain and path, and the tag
// and digest when present.
type Reference struct {
	Domain, Path, Tag, Digest string
}

// Name is the domain and path joined.
func (r Reference) Name() string {
	if r.Domain == "" {
		return r.Path
	}
	return r.Domain + "/" + r.Path
}

// String is the reference as it is written.
func (r Reference) String() string {
	s := r.Name()
	if r.Tag != "" {
		s += ":" + r.Tag
	}
	if r.Digest != "" {
		s += "@" + r.Digest
	}
	return s
}

// Parse reads a reference as it is written, without defaults.
func Parse(s string) (Reference, error) {
	m := ReferenceRegexp.FindStringSubmatch(s)
	if m == nil {
		if s == "" {
			return Reference{}, ErrNameEmpty
		}
		if ReferenceRegexp.FindStringSubmatch(strings.ToLower(s)) != nil {
			return Reference{}, ErrNameContainsUppercase
		}
		return Reference{}, ErrFormat
	}
	if len(m[1]) > NameTotalLengthMax {
		return Reference{}, ErrNameTooLong
	}
	r := Reference{Tag: m[2], Digest: m[3]}
	parts := anchoredName.FindStringSubmatch(m[1])
	if len(parts) == 3 {
		r.Domain, r.Path = parts[1], parts[2]
	} else {
		r.Path = m[1]
	}
	return r, nil
}

// ValidTag reports whether s is a tag.
func ValidTag(s string) bool { return anchoredTag.MatchString(s) }

// ValidDigest reports whether s is a digest.
func ValidDigest(s string) bool { return anchoredDigest.MatchString(s) }
