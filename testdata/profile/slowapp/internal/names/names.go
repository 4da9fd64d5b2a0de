// Package names is the program's own small table, built at init.
package names

var countries = map[string]string{
	"de": "Germany",
	"fr": "France",
	"it": "Italy",
}

// Of returns the country name for a two-letter code.
func Of(code string) string { return countries[code] }
