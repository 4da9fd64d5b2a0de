// Package api holds the HTTP handlers of the service.
package api

import (
	"encoding/json"
	"net/http"
	"sort"
	"sync"

	"example.com/shortlink/internal/render"
	"example.com/shortlink/internal/validate"
)

// Store keeps the links in memory.
type Store struct {
	mu    sync.Mutex
	links map[string]string
	hits  map[string]int
}

// NewStore returns an empty store.
func NewStore() *Store {
	return &Store{links: map[string]string{}, hits: map[string]int{}}
}

type createRequest struct {
	Slug string `json:"slug"`
	URL  string `json:"url"`
}

// CreateHandler stores a new link from a JSON body.
func CreateHandler(s *Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req createRequest
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil {
			fail(w, http.StatusBadRequest)
			return
		}
		if req.Slug == "" {
			req.Slug = validate.CleanSlug(req.URL)
		}
		if !validate.SlugPattern.MatchString(req.Slug) || !validate.URL(req.URL) {
			fail(w, http.StatusUnprocessableEntity)
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, taken := s.links[req.Slug]; taken {
			fail(w, http.StatusConflict)
			return
		}
		s.links[req.Slug] = req.URL
		w.WriteHeader(http.StatusCreated)
	})
}

// RedirectHandler sends /l/{slug} to its target.
func RedirectHandler(s *Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		slug := r.PathValue("slug")
		if !validate.Slug(slug) {
			fail(w, http.StatusNotFound)
			return
		}
		s.mu.Lock()
		target, ok := s.links[slug]
		if ok {
			s.hits[slug]++
		}
		s.mu.Unlock()
		if !ok {
			fail(w, http.StatusNotFound)
			return
		}
		http.Redirect(w, r, target, http.StatusFound)
	})
}

// IndexHandler lists every link.
func IndexHandler(s *Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		links := make([]render.Link, 0, len(s.links))
		for slug, url := range s.links {
			links = append(links, render.Link{Slug: slug, URL: url, Hits: s.hits[slug]})
		}
		s.mu.Unlock()
		sort.Slice(links, func(i, j int) bool { return links[i].Slug < links[j].Slug })
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = render.Page(w, render.PageData{Title: "links", Links: links})
	})
}

func fail(w http.ResponseWriter, code int) {
	http.Error(w, render.Status(code), code)
}
