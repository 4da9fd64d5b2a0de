// Package words is a second package of the dependency module, with a small init.
package words

// Stop holds words that are never valid.
var Stop = map[string]bool{
	"none":    true,
	"null":    true,
	"unknown": true,
}
