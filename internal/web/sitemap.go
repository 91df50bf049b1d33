package web

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/confide/confide/internal/model"
)

type sitemapURLSet struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// sitemapIndex is /sitemap.xml: the list of the sitemap's files (the
// protocol allows 50,000 URLs a file, and a big site has more stories).
type sitemapIndex struct {
	XMLName  xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []sitemapURL `xml:"sitemap"`
}

func (s *Server) sitemap(w http.ResponseWriter, r *http.Request) error {
	chunks, err := s.svc.SitemapChunks(r.Context())
	if err != nil {
		return err
	}
	idx := sitemapIndex{Sitemaps: []sitemapURL{{Loc: s.baseURL + "/sitemaps/pages.xml"}}}
	for _, c := range chunks {
		idx.Sitemaps = append(idx.Sitemaps, sitemapURL{
			Loc:     fmt.Sprintf("%s/sitemaps/stories-%d.xml", s.baseURL, c.Number),
			LastMod: c.LastMod.Format("2006-01-02"),
		})
	}
	return s.writeXML(w, r, idx)
}

// sitemapFile is one file of the sitemap: pages.xml (home, sections and the
// site's pages) or stories-N.xml (one run of story ids).
func (s *Server) sitemapFile(w http.ResponseWriter, r *http.Request) error {
	file := r.PathValue("file")
	if file == "pages.xml" {
		secs, err := s.svc.Sections(r.Context())
		if err != nil {
			return err
		}
		set := sitemapURLSet{URLs: []sitemapURL{{Loc: s.baseURL + "/"}}}
		for _, sec := range secs {
			set.URLs = append(set.URLs, sitemapURL{Loc: s.baseURL + "/sections/" + sec.Slug})
		}
		for _, p := range []string{"/about", "/privacy", "/help", "/share", "/comments"} {
			set.URLs = append(set.URLs, sitemapURL{Loc: s.baseURL + p})
		}
		return s.writeXML(w, r, set)
	}
	num, ok := strings.CutPrefix(file, "stories-")
	num, ok2 := strings.CutSuffix(num, ".xml")
	n, err := strconv.ParseInt(num, 10, 64)
	if !ok || !ok2 || err != nil || strconv.FormatInt(n, 10) != num {
		return model.ErrNotFound
	}
	stamps, err := s.svc.SitemapStories(r.Context(), n)
	if err != nil {
		return err
	}
	set := sitemapURLSet{URLs: make([]sitemapURL, 0, len(stamps))}
	for _, st := range stamps {
		set.URLs = append(set.URLs, sitemapURL{Loc: s.baseURL + "/stories/" + st.Slug, LastMod: st.UpdatedAt.Format("2006-01-02")})
	}
	return s.writeXML(w, r, set)
}

func (s *Server) writeXML(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := xml.Marshal(v)
	if err != nil {
		return fmt.Errorf("web: sitemap: %w", err)
	}
	s.writeBody(w, r, http.StatusOK, "application/xml; charset=utf-8", append([]byte(xml.Header), body...))
	return nil
}

// robots lets search engines read the public site (people find help through
// them) and keeps them out of the private parts.
func (s *Server) robots(w http.ResponseWriter, r *http.Request) error {
	body := "User-agent: *\nDisallow: /admin/\nDisallow: /letters/\nDisallow: /search\nDisallow: /check/\n" +
		"Disallow: /subscriptions/\nDisallow: /stories/*/comments/\nDisallow: /comments/*/\nAllow: /\n\nSitemap: " + s.baseURL + "/sitemap.xml\n"
	s.writeBody(w, r, http.StatusOK, "text/plain; charset=utf-8", []byte(body))
	return nil
}
