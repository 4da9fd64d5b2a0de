package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCreateAndRedirect(t *testing.T) {
	s := NewStore()
	mux := http.NewServeMux()
	mux.Handle("POST /links", CreateHandler(s))
	mux.Handle("GET /l/{slug}", RedirectHandler(s))

	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("POST", "/links", strings.NewReader(`{"slug":"godev","url":"https://go.dev/"}`)))
	if rec.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/l/godev", nil))
	if rec.Code != http.StatusFound || rec.Header().Get("Location") != "https://go.dev/" {
		t.Fatalf("redirect: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("POST", "/links", strings.NewReader(`{"slug":"-bad","url":"https://go.dev/"}`)))
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("bad slug: %d", rec.Code)
	}
}
