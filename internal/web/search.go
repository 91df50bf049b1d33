package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/confide/confide/internal/crisis"
	"github.com/confide/confide/internal/i18n"
	"github.com/confide/confide/internal/markup"
	"github.com/confide/confide/internal/model"
)

// searchParams is the query string of a search: the words and the section.
func searchParams(q, section string) url.Values {
	params := url.Values{"q": {q}}
	if section != "" {
		params.Set("section", section)
	}
	return params
}

func (s *Server) search(w http.ResponseWriter, r *http.Request) error {
	n, err := pageParam(r)
	if err != nil {
		return err
	}
	q := r.URL.Query().Get("q")
	section := r.URL.Query().Get("section")
	start := time.Now()
	res, err := s.svc.SearchStories(r.Context(), q, section, n)
	s.metrics.search.Observe(time.Since(start).Seconds())
	if err != nil {
		return err
	}
	title := "Search"
	if res.Query != "" {
		title = s.lang(r).Text("title.search_for", "Query", res.Query)
	}
	v, err := s.chrome(r.Context(), title)
	if err != nil {
		return err
	}
	v.Query = res.Query
	params := searchParams(res.Query, section).Encode()
	data := struct {
		Result  any
		BaseURL string
		FeedURL string
		Help    *helpPage // a search for crisis words: helplines above the results
	}{Result: res, BaseURL: "/search?" + params, FeedURL: "/search.atom?" + params}
	// A query about suicide or self-harm: the same lists that give stories
	// their content note decide.
	if crisis.English().Touches(res.Query) {
		h := s.readerHelp(nil, r)
		data.Help = &h
		w.Header().Set("Vary", "Accept-Language, Cookie")
	}
	v.Data = data
	// Result pages are not for search engines: they would index every query.
	w.Header().Set("X-Robots-Tag", "noindex")
	return s.render(w, r, http.StatusOK, "search", v)
}

// searchFeed is /search.atom: the newest stories matching a search, so a
// reader can follow a topic in a feed reader.
func (s *Server) searchFeed(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query().Get("q")
	section := r.URL.Query().Get("section")
	res, err := s.svc.SearchFeed(r.Context(), q, section)
	if err != nil {
		return err
	}
	site, err := s.svc.SiteSettings(r.Context())
	if err != nil {
		return err
	}
	params := searchParams(res.Query, section).Encode()
	self := s.baseURL + "/search.atom?" + params
	f := &atomFeed{
		Title: site.SiteName + ": stories about “" + res.Cleaned.String() + "”", ID: self,
		Author: atomPerson{Name: site.SiteName},
		Links: []atomLink{{Rel: "self", Href: self, Type: "application/atom+xml"},
			{Rel: "alternate", Href: s.baseURL + "/search?" + params}},
	}
	updated := time.Unix(0, 0)
	for _, h := range res.Hits {
		st := h.Story
		if st.UpdatedAt.After(updated) {
			updated = st.UpdatedAt
		}
		link := s.baseURL + "/stories/" + st.Slug
		f.Entries = append(f.Entries, atomEntry{
			Title: st.Title, ID: link, Updated: atomTime(st.UpdatedAt), Published: atomTime(st.PublishedAt),
			Links:   []atomLink{{Rel: "alternate", Href: link}},
			Author:  atomPerson{Name: site.SiteName},
			Summary: &atomText{Type: "text", Body: feedSummary(s.lang(r), st)},
		})
	}
	f.Updated = atomTime(updated)
	w.Header().Set("X-Robots-Tag", "noindex")
	return s.writeFeed(w, r, f)
}

// feedSummary is a story's summary in a feed: an excerpt of the letter, or
// for a story with a content note, the note alone.
func feedSummary(l *i18n.Lang, st model.Story) string {
	if st.ContentNote {
		return l.Text("feed.content_note")
	}
	return markup.Excerpt(st.Letter, 300)
}
