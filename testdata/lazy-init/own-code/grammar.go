// Package owncode parses image-like references with regexps built from smaller ones by
// the package's own helpers, through a func-valued variable bound to regexp.MustCompile.
package owncode

import "regexp"

var (
	// lower is one run of lower-case letters and digits.
	lower = match(`[a-z0-9]+`) // want "lower: regexp.MustCompile \(through match\) runs at every start; build it on first use"

	// joiner separates the runs of a path component.
	joiner = match(`(?:[._]|__|-+)`) // want "joiner: regexp.MustCompile \(through match\)"

	// component is a path component: runs joined by separators.
	component = expression( // want "component: regexp.MustCompile \(through expression\)"
		lower,
		optional(repeated(joiner, lower)))

	// hostPart is one label of a host name.
	hostPart = match(`(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])`) // want "hostPart: regexp.MustCompile \(through match\)"

	// Host is a host name with an optional port.
	Host = expression( // want "Host: regexp.MustCompile \(through expression\)"
		hostPart,
		optional(repeated(literal(`.`), hostPart)),
		optional(literal(`:`), match(`[0-9]+`)))

	// Label is a tag.
	Label = match(`[\w][\w.-]{0,127}`) // want "Label: regexp.MustCompile \(through match\)"

	// Sum is a content digest.
	Sum = match(`[a-z][a-z0-9]*(?:[-_+.][a-z][a-z0-9]*)*:[[:xdigit:]]{32,}`) // want "Sum: regexp.MustCompile \(through match\)"

	// Name is a repository name with an optional host.
	Name = expression( // want "Name: regexp.MustCompile \(through expression\)"
		optional(Host, literal(`/`)),
		component,
		optional(repeated(literal(`/`), component)))

	// whole is a full reference, with each part captured.
	whole = anchored(capture(Name), // want "whole: regexp.MustCompile \(through anchored\)"
		optional(literal(`:`), capture(Label)),
		optional(literal(`@`), capture(Sum)))

	// grouped is only here to use group.
	grouped = group(lower) // want "grouped: regexp.MustCompile \(through group\)"
)

// match compiles a pattern: every regexp of the package is built through it.
var match = regexp.MustCompile

// literal matches s exactly.
func literal(s string) *regexp.Regexp {
	re := match(regexp.QuoteMeta(s))
	if _, complete := re.LiteralPrefix(); !complete {
		panic("must be a literal")
	}
	return re
}

// expression matches its parts one after the other.
func expression(res ...*regexp.Regexp) *regexp.Regexp {
	var s string
	for _, re := range res {
		s += re.String()
	}
	return match(s)
}

// optional matches its parts, or nothing.
func optional(res ...*regexp.Regexp) *regexp.Regexp {
	return match(group(expression(res...)).String() + `?`)
}

// repeated matches its parts once or more.
func repeated(res ...*regexp.Regexp) *regexp.Regexp {
	return match(group(expression(res...)).String() + `+`)
}

// group groups its parts without capturing them.
func group(res ...*regexp.Regexp) *regexp.Regexp {
	return match(`(?:` + expression(res...).String() + `)`)
}

// capture captures its parts.
func capture(res ...*regexp.Regexp) *regexp.Regexp {
	return match(`(` + expression(res...).String() + `)`)
}

// anchored matches its parts as the whole text.
func anchored(res ...*regexp.Regexp) *regexp.Regexp {
	return match(`^` + expression(res...).String() + `$`)
}
