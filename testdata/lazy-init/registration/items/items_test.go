package items

import (
	"expvar"
	"flag"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestServe(t *testing.T) {
	rec := httptest.NewRecorder()
	http.DefaultServeMux.ServeHTTP(rec, httptest.NewRequest("GET", "/items/blue-cup", nil))
	if rec.Body.String() != "item blue-cup\n" {
		t.Fatalf("got %q", rec.Body.String())
	}
	if expvar.Get("items.served").String() != "1" || flag.Lookup("items.prefix") == nil {
		t.Fatal("not registered at init")
	}
	if Slug("Blue Cup") != "blue-cup" || *Prefix != "/items/" {
		t.Fatal("Slug or Prefix")
	}
}
