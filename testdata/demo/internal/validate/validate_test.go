package validate

import "testing"

func TestSlug(t *testing.T) {
	for _, s := range []string{"abc", "go-lang_1"} {
		if !Slug(s) {
			t.Errorf("Slug(%q) = false", s)
		}
	}
	if SlugPattern.MatchString("-x") {
		t.Error("slug may not start with a dash")
	}
}

func TestEmailPattern(t *testing.T) {
	if !emailRe.MatchString("gopher@example.com") {
		t.Fatal("plain address rejected")
	}
}

func TestURL(t *testing.T) {
	good := []string{"https://go.dev/doc", "http://127.0.0.1:8080/x?y=1", "ftp://files.example.org/a/b#top"}
	for _, u := range good {
		if !URL(u) {
			t.Errorf("URL(%q) = false", u)
		}
	}
	for _, u := range []string{"go.dev", "https://", "mailto:x@y.z", "http://host:99999/"} {
		if URL(u) {
			t.Errorf("URL(%q) = true", u)
		}
	}
}

func TestKind(t *testing.T) {
	cases := map[string]string{
		"gopher@example.com":                   "email",
		"10.0.0.1":                             "ipv4",
		"123e4567-e89b-42d3-a456-426614174000": "uuid",
		"v1.2.3-rc.1":                          "semver",
		"#ff00aa":                              "color",
		"2024-02-29":                           "date",
		"1h30m":                                "duration",
	}
	for in, want := range cases {
		if got := Kind(in); got != want {
			t.Errorf("Kind(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCleanAndSanitize(t *testing.T) {
	if got := CleanSlug("  Hello World.go  "); got != "hello-world-go" {
		t.Errorf("CleanSlug = %q", got)
	}
	if got := Sanitize("a<b>b</b>\x01c"); got != "abc" {
		t.Errorf("Sanitize = %q", got)
	}
}
