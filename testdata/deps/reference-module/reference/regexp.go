package reference

import "regexp"

// Every pattern of the grammar is compiled at package initialization, each one through
// match and the helpers below, the larger ones from the strings of the smaller ones.
var (
	// alnum is one run of lower-case letters and digits.
	alnum = match(`[a-z0-9]+`)

	// separator joins the runs of a path component.
	separator = match(`(?:[._]|__|[-]*)`)

	// pathComponent is one part of a repository path.
	pathComponent = expression(
		alnum,
		optional(repeated(separator, alnum)))

	// hostLabel is one label of a domain name.
	hostLabel = match(`(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])`)

	// DomainRegexp matches a registry host, with an optional port.
	DomainRegexp = expression(
		hostLabel,
		optional(repeated(literal(`.`), hostLabel)),
		optional(literal(`:`), match(`[0-9]+`)))

	// TagRegexp matches a tag.
	TagRegexp = match(`[\w][\w.-]{0,127}`)

	// anchoredTag matches a whole tag.
	anchoredTag = anchored(TagRegexp)

	// DigestRegexp matches a content digest: algorithm, colon, hex.
	DigestRegexp = match(`[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][[:xdigit:]]{32,}`)

	// anchoredDigest matches a whole digest.
	anchoredDigest = anchored(DigestRegexp)

	// NameRegexp matches a repository name with an optional domain.
	NameRegexp = expression(
		optional(DomainRegexp, literal(`/`)),
		pathComponent,
		optional(repeated(literal(`/`), pathComponent)))

	// anchoredName matches a whole name, capturing its domain and its path.
	anchoredName = anchored(
		optional(capture(DomainRegexp), literal(`/`)),
		capture(pathComponent,
			optional(repeated(literal(`/`), pathComponent))))

	// ReferenceRegexp matches a whole reference, capturing name, tag and digest.
	ReferenceRegexp = anchored(capture(NameRegexp),
		optional(literal(":"), capture(TagRegexp)),
		optional(literal("@"), capture(DigestRegexp)))

	// IdentifierRegexp matches an image identifier: 64 hex digits.
	IdentifierRegexp = match(`([a-f0-9]{64})`)

	// ShortIdentifierRegexp matches a prefix of an identifier.
	ShortIdentifierRegexp = match(`([a-f0-9]{6,64})`)

	// anchoredIdentifier matches a whole identifier.
	anchoredIdentifier = anchored(IdentifierRegexp)

	// anchoredShortIdentifier matches a whole identifier prefix.
	anchoredShortIdentifier = anchored(ShortIdentifierRegexp)
)

// match compiles a pattern; the grammar builds every expression through it.
var match = regexp.MustCompile

// literal matches s and nothing else.
func literal(s string) *regexp.Regexp {
	re := match(regexp.QuoteMeta(s))
	if _, complete := re.LiteralPrefix(); !complete {
		panic("reference: literal is not literal: " + s)
	}
	return re
}

// expression matches its parts in sequence.
func expression(res ...*regexp.Regexp) *regexp.Regexp {
	var s string
	for _, re := range res {
		s += re.String()
	}
	return match(s)
}

// optional matches its parts in sequence, or nothing.
func optional(res ...*regexp.Regexp) *regexp.Regexp {
	return match(group(expression(res...)).String() + `?`)
}

// repeated matches its parts in sequence, one or more times.
func repeated(res ...*regexp.Regexp) *regexp.Regexp {
	return match(group(expression(res...)).String() + `+`)
}

// group groups its parts without capturing them.
func group(res ...*regexp.Regexp) *regexp.Regexp {
	return match(`(?:` + expression(res...).String() + `)`)
}

// capture groups its parts and captures them.
func capture(res ...*regexp.Regexp) *regexp.Regexp {
	return match(`(` + expression(res...).String() + `)`)
}

// anchored matches its parts as the whole input.
func anchored(res ...*regexp.Regexp) *regexp.Regexp {
	return match(`^` + expression(res...).String() + `$`)
}
