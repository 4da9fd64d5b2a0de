package render

import (
	"strings"
	"testing"
)

func TestPage(t *testing.T) {
	var b strings.Builder
	err := Page(&b, PageData{Title: "links", Links: []Link{{Slug: "go", URL: "https://go.dev", Hits: 3}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"LINKS", `href="/l/go"`, "1 link(s)"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func TestStatus(t *testing.T) {
	if Status(404) != statusText[404] || Status(299) != "Unexpected status." {
		t.Fatal("wrong status text")
	}
}
