package web

import (
	"net/http"
	"net/url"
)

func (s *Server) search(w http.ResponseWriter, r *http.Request) error {
	n, err := pageParam(r)
	if err != nil {
		return err
	}
	q := r.URL.Query().Get("q")
	section := r.URL.Query().Get("section")
	res, err := s.svc.SearchStories(r.Context(), q, section, n)
	if err != nil {
		return err
	}
	title := "Search"
	if res.Query != "" {
		title = "Search: " + res.Query
	}
	v, err := s.chrome(r.Context(), title)
	if err != nil {
		return err
	}
	v.Query = res.Query
	params := url.Values{"q": {res.Query}}
	if section != "" {
		params.Set("section", section)
	}
	v.Data = struct {
		Result  any
		BaseURL string
	}{res, "/search?" + params.Encode()}
	// Result pages are not for search engines: they would index every query.
	w.Header().Set("X-Robots-Tag", "noindex")
	return s.render(w, r, http.StatusOK, "search", v)
}
