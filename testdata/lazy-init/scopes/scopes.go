// Package scopes uses the name of a lazy value in every way Go allows, and only the
// references to the package-level var may change.
package scopes

import (
	"fmt"
	"regexp"
	"strings"
)

// re is the package-level value that becomes lazy.
var re = regexp.MustCompile(`^[a-z]+$`) // want "re: regexp.MustCompile runs at every start; build it on first use \\(sync.OnceValue\\), 12 references in the package"

// holder has a field and a method named re.
type holder struct {
	re *regexp.Regexp
}

func (h holder) Re() *regexp.Regexp { return h.re }

func (h *holder) re2() string { return "method" }

type byName map[*regexp.Regexp]string

// Param: a parameter named re shadows the package var.
func Param(re string) bool { return len(re) > 0 }

// Result: a named result shadows it too.
func Result() (re int) {
	re = 3
	return re
}

// Receiver named re.
type T struct{}

func (re T) Method() string { return fmt.Sprint(re) }

// Local: := and var shadow it, but only after the declaration.
func Local(s string) bool {
	ok := re.MatchString(s)
	re := strings.TrimSpace(s)
	var other = re + "x"
	return ok && other != ""
}

// LocalVar declared with var.
func LocalVar() string {
	var re = "local"
	return re
}

// Range binding.
func Range(xs []string) int {
	n := 0
	for _, re := range xs {
		n += len(re)
	}
	return n + len(re.String())
}

// TypeSwitch binding.
func TypeSwitch(v any) string {
	switch re := v.(type) {
	case string:
		return re
	}
	return re.String()
}

// If and for initializers.
func Inits(s string) bool {
	if re := len(s); re > 3 {
		return true
	}
	for re := 0; re < 1; re++ {
		_ = re
	}
	return re.MatchString(s)
}

// FuncLit: a parameter of a function literal, and a use inside another literal.
func FuncLit() func(string) bool {
	shadow := func(re string) string { return re }
	_ = shadow("x")
	return func(s string) bool { return re.MatchString(s) }
}

// Fields: selectors and keyed composite literals name the field, not the var.
func Fields() bool {
	h := holder{re: re}
	h2 := &holder{re: nil}
	_ = h2.re2()
	m := byName{re: "lazy"}
	return h.re.MatchString("abc") && h.Re() != nil && m[re] != ""
}

// Labels do not collide with variables.
func Labels() int {
	n := 0
re:
	for i := 0; i < 3; i++ {
		if i == 1 {
			continue re
		}
		n++
	}
	return n
}

// MethodValue: re.MatchString passed as a value still works after the rewrite.
func MethodValue(items []string) []string {
	keep := re.MatchString
	var out []string
	for _, s := range items {
		if keep(s) {
			out = append(out, s)
		}
	}
	return out
}

// Select receive binding.
func Select(ch chan string) string {
	select {
	case re := <-ch:
		return re
	default:
		return re.String()
	}
}

// Closure over a local named re defined in an outer block.
func Closure() func() string {
	re := "captured"
	return func() string { return re }
}
