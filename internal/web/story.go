package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/confide/confide/internal/markup"
	"github.com/confide/confide/internal/model"
)

// storyPage is the Data of a story page.
type storyPage struct {
	Story    *model.Story
	Comments []model.Comment
	Related  []model.Story // stories most like this one
	Advisor  string        // who signs the reply
	MailLink string        // mailto: link that e-mails the story to a friend
}

func (s *Server) story(w http.ResponseWriter, r *http.Request) error {
	st, comments, err := s.svc.PublishedStory(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	related, err := s.svc.RelatedStories(r.Context(), st)
	if err != nil {
		return err
	}
	v, err := s.chrome(r.Context(), st.Title)
	if err != nil {
		return err
	}
	v.Description = markup.Excerpt(st.Letter, 160)
	v.Canonical = s.baseURL + "/stories/" + st.Slug
	advisor := st.AdvisorName
	if advisor == "" {
		advisor = v.Site.AdvisorName
	}
	v.Data = storyPage{Story: st, Comments: comments, Related: related, Advisor: advisor, MailLink: mailtoStory(v.Site.SiteName, st.Title, v.Canonical)}
	return s.render(w, r, http.StatusOK, "story", v)
}

// mailtoStory builds the "E-mail this story" link: it opens the reader's own
// mail program, so it works without JavaScript and sends nothing through us.
func mailtoStory(site, title, link string) string {
	q := url.Values{}
	q.Set("subject", title+" – "+site)
	q.Set("body", "I thought this story might help you:\n\n"+title+"\n"+link+"\n")
	// url.Values encodes a literal "+" as %2B, so every "+" left is a space,
	// which mailto wants as %20.
	return "mailto:?" + strings.ReplaceAll(q.Encode(), "+", "%20")
}
