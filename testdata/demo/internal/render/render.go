// Package render draws the HTML pages of the service.
package render

import (
	"html/template"
	"io"
	"strings"
)

const pageSrc = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{{.Title}} · shortlink</title>
  <style>
    body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 48rem; }
    table { border-collapse: collapse; width: 100%; }
    td, th { border-bottom: 1px solid #ddd; padding: .3rem .6rem; text-align: left; }
  </style>
</head>
<body>
  <h1>{{.Title | upper}}</h1>
  {{if .Message}}<p class="message">{{.Message}}</p>{{end}}
  {{with .Links}}
  <table>
    <tr><th>slug</th><th>target</th><th>hits</th></tr>
    {{range .}}
    <tr>
      <td><a href="/l/{{.Slug}}">{{.Slug}}</a></td>
      <td title="{{.URL}}">{{trunc .URL 60}}</td>
      <td>{{.Hits}}</td>
    </tr>
    {{end}}
  </table>
  {{else}}
  <p>No links yet. <code>POST /links</code> with <code>{"slug": "...", "url": "..."}</code>.</p>
  {{end}}
  <footer>{{len .Links}} link(s)</footer>
</body>
</html>
`

var pageTmpl = template.Must(template.New("page").Funcs(template.FuncMap{
	"upper": strings.ToUpper,
	"trunc": trunc,
}).Parse(pageSrc))

// statusText is the wording of the error pages, by HTTP status.
var statusText = map[int]string{
	400: "That request did not make sense to us.",
	401: "Please sign in first.",
	403: "You may not do that.",
	404: "No such link.",
	405: "That method is not allowed here.",
	409: "That slug is taken.",
	410: "That link has expired.",
	413: "That is too large.",
	415: "Please send JSON.",
	422: "That link is not valid.",
	429: "Slow down, please.",
	500: "Something broke on our side.",
	502: "The upstream did not answer properly.",
	503: "We are restarting; try again in a moment.",
	504: "The upstream took too long.",
}

// Link is one row of the index page.
type Link struct {
	Slug, URL string
	Hits      int
}

// PageData is what a page shows.
type PageData struct {
	Title, Message string
	Links          []Link
}

// Page writes the HTML page for data.
func Page(w io.Writer, data PageData) error { return pageTmpl.Execute(w, data) }

// Status is the human wording for an HTTP status code.
func Status(code int) string {
	if text, ok := statusText[code]; ok {
		return text
	}
	return "Unexpected status."
}

func trunc(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}
