// Package validate checks user input: slugs, URLs, e-mail addresses and friends.
package validate

import (
	"regexp"
	"strings"
)

// SlugPattern matches a short-link slug. Other packages use it to route requests.
var SlugPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$`)

var (
	emailRe    = regexp.MustCompile(`^[a-zA-Z0-9.!#$%&'*+/=?^_{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$`)
	hostRe     = regexp.MustCompile(`^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}$`)
	ipv4Re     = regexp.MustCompile(`^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$`)
	ipv6Re     = regexp.MustCompile(`^(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}$|^::(?:[0-9a-fA-F]{1,4}:){0,6}[0-9a-fA-F]{1,4}$`)
	portRe     = regexp.MustCompile(`^(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$`)
	schemeRe   = regexp.MustCompile(`^(?i:https?|ftp)://`)
	pathRe     = regexp.MustCompile(`^(?:/[A-Za-z0-9._~!$&'()*+,;=:@%-]{0,64}){0,15}/?$`)
	queryRe    = regexp.MustCompile(`^(?:[A-Za-z0-9._~!$'()*+,;=:@/?%-]{1,64}(?:=[A-Za-z0-9._~!$'()*+,;=:@/?%-]{0,64})?&?){0,15}$`)
	fragmentRe = regexp.MustCompile(`^#[A-Za-z0-9._~!$&'()*+,;=:@/?%-]{0,256}$`)
	uuidRe     = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	semverRe   = regexp.MustCompile(`^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`)
	colorRe    = regexp.MustCompile(`^#(?:[0-9a-fA-F]{3}){1,2}$`)
	dateRe     = regexp.MustCompile(`^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$`)
	timeRe     = regexp.MustCompile(`^(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?$`)
	durationRe = regexp.MustCompile(`^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h)){1,6}$`)
	tagRe      = regexp.MustCompile(`^[a-z][a-z0-9-]{0,31}$`)
	userRe     = regexp.MustCompile(`^@?[A-Za-z0-9_]{1,15}$`)
	phoneRe    = regexp.MustCompile(`^\+?[1-9]\d{1,14}$`)
	zipRe      = regexp.MustCompile(`^\d{5}(?:-\d{4})?$`)
	ibanRe     = regexp.MustCompile(`^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$`)
	cardRe     = regexp.MustCompile(`^(?:4\d{12}(?:\d{3})?|5[1-5]\d{14}|3[47]\d{13}|6(?:011|5\d{2})\d{12})$`)
	hexRe      = regexp.MustCompile(`^(?:0x)?[0-9a-fA-F]{1,64}$`)
	base64Re   = regexp.MustCompile(`^(?:[A-Za-z0-9+/]{4}){0,200}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$`)
	jwtRe      = regexp.MustCompile(`^[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{0,}$`)
	langRe     = regexp.MustCompile(`^[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|\d{3}))?$`)
	mimeRe     = regexp.MustCompile(`^[a-z]+/[a-z0-9.+-]{1,64}(?:;\s*[a-z-]+=[^;]{1,64}){0,4}$`)
	spaceRe    = regexp.MustCompile(`\s{2,}`)
	ctrlRe     = regexp.MustCompile(`[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]`)
	htmlTagRe  = regexp.MustCompile(`<(?:/?[a-zA-Z][a-zA-Z0-9]{0,15})(?:\s+[a-zA-Z-]{1,32}(?:="[^"]*")?){0,16}\s*/?>`)
)

// A Replacer is built on first use only by strings.NewReplacer's own laziness; the
// constructor still allocates its argument table at start-up.
var slugCleaner = strings.NewReplacer(" ", "-", "_", "-", ".", "-", "/", "-", "\t", "-")

// Slug reports whether s is a valid short-link slug.
func Slug(s string) bool { return SlugPattern.MatchString(s) }

// CleanSlug turns a title into a candidate slug.
func CleanSlug(title string) string {
	s := strings.ToLower(strings.TrimSpace(title))
	s = slugCleaner.Replace(s)
	return spaceRe.ReplaceAllString(s, "-")
}

// Email reports whether s looks like an e-mail address.
func Email(s string) bool { return emailRe.MatchString(s) }

// URL reports whether s is an absolute http(s) or ftp URL with a plausible host.
func URL(s string) bool {
	rest, ok := strings.CutPrefix(s, schemeRe.FindString(s))
	if !ok || rest == s {
		return false
	}
	host, path, _ := strings.Cut(rest, "/")
	host, port, hasPort := strings.Cut(host, ":")
	if hasPort && !portRe.MatchString(port) {
		return false
	}
	if !hostRe.MatchString(host) && !ipv4Re.MatchString(host) && host != "localhost" {
		return false
	}
	path, query, _ := strings.Cut(path, "?")
	path, fragment, hasFragment := strings.Cut(path, "#")
	if hasFragment && !fragmentRe.MatchString("#"+fragment) {
		return false
	}
	return pathRe.MatchString("/"+path) && (query == "" || queryRe.MatchString(query))
}

// Kind names the first kind of token s is, or "" if none.
func Kind(s string) string {
	kinds := []struct {
		name string
		re   *regexp.Regexp
	}{
		{"email", emailRe}, {"ipv4", ipv4Re}, {"ipv6", ipv6Re}, {"uuid", uuidRe},
		{"semver", semverRe}, {"color", colorRe}, {"date", dateRe}, {"time", timeRe},
		{"duration", durationRe}, {"tag", tagRe}, {"user", userRe}, {"phone", phoneRe},
		{"zip", zipRe}, {"iban", ibanRe}, {"card", cardRe}, {"hex", hexRe},
		{"jwt", jwtRe}, {"lang", langRe}, {"mime", mimeRe}, {"base64", base64Re},
	}
	for _, k := range kinds {
		if k.re.MatchString(s) {
			return k.name
		}
	}
	return ""
}

// Sanitize removes control characters and HTML tags from free text.
func Sanitize(s string) string {
	s = ctrlRe.ReplaceAllString(s, "")
	return htmlTagRe.ReplaceAllString(s, "")
}
