package reference

import (
	"errors"
	"strings"
)

const (
	defaultDomain = "docker.io"
	legacyDomain  = "index.docker.io"
	officialRepo  = "library/"
)

// ParseNormalizedNamed reads a reference as the docker command line does: a name
// without a domain is on docker.io, and a one-part path there is an official image.
func ParseNormalizedNamed(s string) (Reference, error) {
	if anchoredIdentifier.MatchString(s) {
		return Reference{}, errors.New("invalid repository name (" + s + "), cannot specify 64-byte hexadecimal strings")
	}
	domain, rest := splitDomain(s)
	if strings.ToLower(rest) != rest {
		return Reference{}, errors.New("invalid reference format: repository name must be lowercase")
	}
	r, err := Parse(domain + "/" + rest)
	if err != nil {
		return Reference{}, err
	}
	return r, nil
}

// splitDomain puts the default domain and the official repository prefix on a name
// that lacks them.
func splitDomain(name string) (domain, rest string) {
	i := strings.IndexRune(name, '/')
	if i == -1 || (!strings.ContainsAny(name[:i], ".:") && name[:i] != "localhost") {
		domain, rest = defaultDomain, name
	} else {
		domain, rest = name[:i], name[i+1:]
	}
	if domain == legacyDomain {
		domain = defaultDomain
	}
	if domain == defaultDomain && !strings.ContainsRune(rest, '/') {
		rest = officialRepo + rest
	}
	return domain, rest
}

// Familiar is the short form the docker command line shows for r.
func Familiar(r Reference) string {
	s := r.String()
	if r.Domain == defaultDomain {
		s = strings.TrimPrefix(strings.TrimPrefix(s, defaultDomain+"/"), officialRepo)
	}
	return s
}

// IsShortID reports whether s could be a prefix of an image identifier.
func IsShortID(s string) bool { return anchoredShortIdentifier.MatchString(s) }
