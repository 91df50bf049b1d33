package web

import (
	"context"
	"encoding/xml"
	"fmt"
	"html"
	"net/http"
	"strconv"
	"time"

	"github.com/confide/confide/internal/i18n"
	"github.com/confide/confide/internal/markup"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
)

// feedSize is how many entries a feed carries.
const feedSize = service.FeedSize

// Atom 1.0 (RFC 4287), as much of it as the feeds use. encoding/xml is all
// it takes, so no feed library is needed.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomPerson  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Href string `xml:"href,attr"`
	Type string `xml:"type,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomEntry struct {
	Title     string     `xml:"title"`
	ID        string     `xml:"id"`
	Updated   string     `xml:"updated"`
	Published string     `xml:"published,omitempty"`
	Links     []atomLink `xml:"link"`
	Author    atomPerson `xml:"author"`
	Summary   *atomText  `xml:"summary,omitempty"`
	Content   *atomText  `xml:"content,omitempty"`
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func (s *Server) writeFeed(w http.ResponseWriter, r *http.Request, f *atomFeed) error {
	body, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("web: feed: %w", err)
	}
	s.writeBody(w, r, http.StatusOK, "application/atom+xml; charset=utf-8", append([]byte(xml.Header), body...))
	return nil
}

// storyFeed builds a feed of stories; path is the feed's own URL path and
// page the HTML page it mirrors.
func (s *Server) storyFeed(ctx context.Context, title, path, page string, stories []model.Story) (*atomFeed, error) {
	site, err := s.svc.SiteSettings(ctx)
	if err != nil {
		return nil, err
	}
	l := i18n.Get(site.Language)
	f := &atomFeed{
		Title: title, ID: s.baseURL + path, Author: atomPerson{Name: site.SiteName},
		Links: []atomLink{{Rel: "self", Href: s.baseURL + path, Type: "application/atom+xml"}, {Rel: "alternate", Href: s.baseURL + page}},
	}
	updated := time.Unix(0, 0)
	for _, st := range stories {
		full := st
		if full.UpdatedAt.After(updated) {
			updated = full.UpdatedAt
		}
		link := s.baseURL + "/stories/" + st.Slug
		advisor := full.AdvisorName
		if advisor == "" {
			advisor = site.AdvisorName
		}
		content := string(markup.Plain(full.Letter)) + "<h2>" + html.EscapeString(advisor) + "’s reply</h2>" + string(markup.Markdown(full.Reply))
		summary := markup.Excerpt(full.Letter, 300)
		if full.ContentNote {
			// Title only: a feed reader shows the text with no note and no
			// help at hand.
			summary = l.Text("feed.content_note")
			content = "<p>" + html.EscapeString(summary) + ` <a href="` + html.EscapeString(link) + `">` + l.T("feed.read_on_site") + `</a>.</p>`
		}
		f.Entries = append(f.Entries, atomEntry{
			Title: st.Title, ID: link, Updated: atomTime(full.UpdatedAt), Published: atomTime(full.PublishedAt),
			Links:   []atomLink{{Rel: "alternate", Href: link}},
			Author:  atomPerson{Name: site.SiteName},
			Summary: &atomText{Type: "text", Body: summary},
			Content: &atomText{Type: "html", Body: content},
		})
	}
	f.Updated = atomTime(updated)
	return f, nil
}

func (s *Server) storiesFeed(w http.ResponseWriter, r *http.Request) error {
	_, stories, err := s.svc.FeedStories(r.Context(), "")
	if err != nil {
		return err
	}
	site, err := s.svc.SiteSettings(r.Context())
	if err != nil {
		return err
	}
	f, err := s.storyFeed(r.Context(), s.lang(r).Text("feed.latest", "Site", site.SiteName), "/feed.atom", "/", stories)
	if err != nil {
		return err
	}
	return s.writeFeed(w, r, f)
}

func (s *Server) sectionFeed(w http.ResponseWriter, r *http.Request) error {
	sec, stories, err := s.svc.FeedStories(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	site, err := s.svc.SiteSettings(r.Context())
	if err != nil {
		return err
	}
	f, err := s.storyFeed(r.Context(), site.SiteName+": "+sec.Name, "/sections/"+sec.Slug+"/feed.atom", "/sections/"+sec.Slug, stories)
	if err != nil {
		return err
	}
	return s.writeFeed(w, r, f)
}

func (s *Server) commentsFeed(w http.ResponseWriter, r *http.Request) error {
	pageShows(r, 0, true)
	comments, err := s.svc.LatestComments(r.Context(), feedSize)
	if err != nil {
		return err
	}
	site, err := s.svc.SiteSettings(r.Context())
	if err != nil {
		return err
	}
	f := &atomFeed{
		Title: s.lang(r).Text("feed.comments", "Site", site.SiteName), ID: s.baseURL + "/comments/feed.atom",
		Author: atomPerson{Name: site.SiteName},
		Links: []atomLink{{Rel: "self", Href: s.baseURL + "/comments/feed.atom", Type: "application/atom+xml"},
			{Rel: "alternate", Href: s.baseURL + "/comments"}},
		Updated: atomTime(time.Unix(0, 0)),
	}
	for i, c := range comments {
		if i == 0 {
			f.Updated = atomTime(c.CreatedAt)
		}
		link := s.baseURL + "/comments/" + strconv.FormatInt(c.ID, 10)
		f.Entries = append(f.Entries, atomEntry{
			Title: s.lang(r).Text("feed.comment_title", "Name", c.AuthorName, "Story", c.StoryTitle), ID: link, Updated: atomTime(c.CreatedAt),
			Links: []atomLink{{Rel: "alternate", Href: link}}, Author: atomPerson{Name: c.AuthorName},
			Content: &atomText{Type: "html", Body: string(markup.Plain(c.Body))},
		})
	}
	return s.writeFeed(w, r, f)
}
