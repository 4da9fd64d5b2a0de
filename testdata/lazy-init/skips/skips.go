// Package skips has costly initializers that must stay as they are, each for a reason.
package skips

import (
	"embed"
	"flag"
	"os"
	"regexp"
	"strings"
	"text/template"
)

var swapped = regexp.MustCompile(`a`) // want "swapped: regexp.MustCompile runs at every start; not made lazy: assigned at skips_test.go:9"

var reassigned = regexp.MustCompile(`b`) // want "reassigned: .*not made lazy: assigned at skips.go:\\d+"

var pointed = regexp.MustCompile(`c`) // want "pointed: .*not made lazy: its address is taken at skips.go:\\d+"

var prefix = "user-"

var fromVar = regexp.MustCompile(prefix + `\d+`) // want "fromVar: .*not made lazy: reads package variable prefix"

var fromEnv = regexp.MustCompile(os.Getenv("PATTERN")) // want "fromEnv: .*not made lazy: calls os.Getenv, whose result may differ at first use"

var fromArgs = strings.NewReplacer(os.Args...) // want "fromArgs: .*not made lazy: reads os.Args"

var fromFunc = regexp.MustCompile(pattern()) // want "fromFunc: .*not made lazy: calls pattern\\(\\), whose result may differ at first use \\(calls os.Getenv"

var files = template.Must(template.ParseFiles("page.tmpl")) // want "files: .*not made lazy: calls template.ParseFiles, which reads files"

var withFlag = []any{flag.Bool("v", false, "verbose"), regexp.MustCompile(`d`)} // want "withFlag: .*not made lazy: calls flag.Bool, which registers at start-up"

var _ = regexp.MustCompile(`^checked at compile time$`) // want "_: .*not made lazy: a blank var"

var one, two = regexp.MustCompile(`1`), regexp.MustCompile(`2`) // want "one: .*not made lazy: declares several names in one spec"

type pair struct{ a, b *regexp.Regexp }

var value = pair{regexp.MustCompile(`a`), regexp.MustCompile(`b`)} // want "value: .*not made lazy: a value of type pair: uses may need an addressable variable"

// Read by init: forced at start-up whatever we do.
var forced = regexp.MustCompile(`e`) // want "forced: .*not made lazy: no gain: read at start-up by init\\(\\) at skips.go:\\d+"

var viaHelper = regexp.MustCompile(`f`) // want "viaHelper: .*no gain: read at start-up by init\\(\\) at skips.go:\\d+ \\(through check\\)"

var eagerReader = regexp.MustCompile(`g`) // want "eagerReader: .*no gain: read at start-up by the initializer of source"

var source = eagerReader.String()

//go:embed skips.go
var embedded embed.FS

//codemod:ignore lazy-init -- kept eager on purpose: it validates the config format at start.
var ignored = regexp.MustCompile(`h`)

var unused = map[string]bool{"not": true}

var verbose = flag.Bool("verbose", false, "log more")

func pattern() string { return os.Getenv("PATTERN") }

// SetPrefix makes prefix mutable state.
func SetPrefix(p string) { prefix = p }

func check() bool { return viaHelper.MatchString("f") }

func init() {
	if !forced.MatchString("e") || !check() {
		panic("bad patterns")
	}
}

// Use keeps every value referenced.
func Use(s string) bool {
	reassigned = regexp.MustCompile(s)
	p := &pointed
	_, _ = embedded.ReadFile("skips.go")
	return swapped.MatchString(s) || (*p).MatchString(s) || fromVar.MatchString(s) ||
		fromEnv.MatchString(s) || fromArgs.Replace(s) != "" || fromFunc.MatchString(s) ||
		files != nil || withFlag != nil || one.MatchString(s) || two.MatchString(s) ||
		value.a.MatchString(s) || source != "" || ignored.MatchString(s) || *verbose
}
