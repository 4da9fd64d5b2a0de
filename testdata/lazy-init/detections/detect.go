// Package detect holds one of each kind of costly initializer.
package detect

import (
	htmltemplate "html/template"
	re "regexp"
	"strings"
	"text/template"
)

// word matches one word.
var word = re.MustCompile(`^\w+$`) // want "word: regexp.MustCompile runs at every start; build it on first use"

var posix = re.MustCompilePOSIX(`^[[:alpha:]]+$`) // want "posix: regexp.MustCompilePOSIX"

var textTmpl = template.Must(template.New("t").Parse("hello {{.}}")) // want "textTmpl: template.Must"

var page = htmltemplate.Must(htmltemplate.New("p").Funcs(htmltemplate.FuncMap{ // want "page: template.Must"
	"upper": strings.ToUpper,
	"lower": func(s string) string { return strings.ToLower(s) },
}).Parse(`<b>{{upper .}}</b>`))

var dashes = strings.NewReplacer("_", "-", " ", "-") // want "dashes: strings.NewReplacer"

var codes = map[string]int{ // want "codes: a map literal of 4 entries"
	"a": 1,
	"b": 2,
	"c": 3,
	"d": 4,
}

var small = map[string]int{"a": 1}

type rule struct {
	name string
	re   *re.Regexp
}

var rules = []rule{ // want "rules: a composite literal calling regexp.MustCompile"
	{"digits", re.MustCompile(`^\d+$`)},
	{"hex", re.MustCompile(`^[0-9a-f]+$`)},
}

type matcher struct{ pattern *re.Regexp }

var ptr = &matcher{pattern: re.MustCompile(`x+`)} // want "ptr: a composite literal calling regexp.MustCompile"

var typed *re.Regexp = re.MustCompile(`typed`) // want "typed: regexp.MustCompile"

var cheap = strings.ToUpper("not costly enough to matter")

// Check uses every value once.
func Check(s string) []string {
	var out []string
	if word.MatchString(s) && posix.MatchString(s) {
		out = append(out, "word")
	}
	var b strings.Builder
	_ = textTmpl.Execute(&b, s)
	_ = page.Execute(&b, s)
	out = append(out, dashes.Replace(s), b.String(), cheap)
	if _, ok := codes[s]; ok || small[s] > 0 {
		out = append(out, "code")
	}
	for _, r := range rules {
		if r.re.MatchString(s) {
			out = append(out, r.name)
		}
	}
	if ptr.pattern.MatchString(s) || typed.MatchString(s) {
		out = append(out, "x")
	}
	return out
}
