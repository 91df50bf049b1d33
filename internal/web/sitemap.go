package web

import (
	"encoding/xml"
	"fmt"
	"net/http"
)

type sitemapURLSet struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

func (s *Server) sitemap(w http.ResponseWriter, r *http.Request) error {
	secs, err := s.svc.Sections(r.Context())
	if err != nil {
		return err
	}
	stamps, err := s.svc.SitemapStories(r.Context())
	if err != nil {
		return err
	}
	set := sitemapURLSet{URLs: []sitemapURL{{Loc: s.baseURL + "/"}}}
	for _, sec := range secs {
		set.URLs = append(set.URLs, sitemapURL{Loc: s.baseURL + "/sections/" + sec.Slug})
	}
	for _, st := range stamps {
		set.URLs = append(set.URLs, sitemapURL{Loc: s.baseURL + "/stories/" + st.Slug, LastMod: st.UpdatedAt.Format("2006-01-02")})
	}
	for _, p := range []string{"/about", "/privacy", "/help", "/share", "/comments"} {
		set.URLs = append(set.URLs, sitemapURL{Loc: s.baseURL + p})
	}
	body, err := xml.Marshal(set)
	if err != nil {
		return fmt.Errorf("web: sitemap: %w", err)
	}
	s.writeBody(w, r, http.StatusOK, "application/xml; charset=utf-8", append([]byte(xml.Header), body...))
	return nil
}

// robots lets search engines read the public site (people find help through
// them) and keeps them out of the private parts.
func (s *Server) robots(w http.ResponseWriter, r *http.Request) error {
	body := "User-agent: *\nDisallow: /admin/\nDisallow: /letters/\nDisallow: /search\nAllow: /\n\nSitemap: " + s.baseURL + "/sitemap.xml\n"
	s.writeBody(w, r, http.StatusOK, "text/plain; charset=utf-8", []byte(body))
	return nil
}
