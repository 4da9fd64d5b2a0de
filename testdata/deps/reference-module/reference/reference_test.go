package reference

import "testing"

func TestParseNormalizedNamed(t *testing.T) {
	for in, want := range map[string]string{
		"alpine":                             "docker.io/library/alpine",
		"alpine:3.19":                        "docker.io/library/alpine:3.19",
		"index.docker.io/team/app:v1":        "docker.io/team/app:v1",
		"localhost:5000/app@sha256:" + hex64: "localhost:5000/app@sha256:" + hex64,
	} {
		r, err := ParseNormalizedNamed(in)
		if err != nil || r.String() != want {
			t.Errorf("ParseNormalizedNamed(%q) = %q, %v; want %q", in, r, err, want)
		}
	}
	for _, in := range []string{"", "Upper/app", "a:b:c", hex64} {
		if r, err := ParseNormalizedNamed(in); err == nil {
			t.Errorf("ParseNormalizedNamed(%q) = %q, want an error", in, r)
		}
	}
}

func TestParts(t *testing.T) {
	if !ValidTag("v1.2") || ValidTag("-v") || !ValidDigest("sha256:"+hex64) || !IsShortID("a1b2c3") {
		t.Error("tag, digest or identifier")
	}
	if !DomainRegexp.MatchString("example.com:5000") || !NameRegexp.MatchString("team/app") {
		t.Error("domain or name")
	}
	if !IdentifierRegexp.MatchString(hex64) || !ShortIdentifierRegexp.MatchString("abcdef") {
		t.Error("identifier")
	}
	if r, _ := Parse("team/app:v1"); Familiar(r) != "team/app:v1" || r.Name() != "team/app" {
		t.Errorf("Parse: %+v", r)
	}
}

const hex64 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
