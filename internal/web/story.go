package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/confide/confide/internal/markup"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
)

// storyPage is the Data of a story page.
type storyPage struct {
	Story    *model.Story
	Comments []model.Comment
	Page     model.Pagination // of the comments, oldest first
	BaseURL  string
	Related  []model.Story // stories most like this one
	Advisor  string        // who signs the reply
	MailLink string        // mailto: link that e-mails the story to a friend
	Form     commentForm
}

func (s *Server) story(w http.ResponseWriter, r *http.Request) error {
	n, err := pageParam(r)
	if err != nil {
		return err
	}
	st, err := s.svc.PublishedStory(r.Context(), r.PathValue("slug"))
	var moved *service.StoryMoved
	if errors.As(err, &moved) {
		// An old address: the story's slug changed.
		target := "/stories/" + moved.Slug
		if q := r.URL.RawQuery; q != "" {
			target += "?" + q
		}
		http.Redirect(w, r, target, http.StatusMovedPermanently) // #nosec G710 -- a path of this site, made from an id or a slug
		return nil
	}
	if err != nil {
		return err
	}
	pageShows(r, st.ID, false)
	comments, p, err := s.svc.StoryComments(r.Context(), st, n)
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
	if st.Letter == "" {
		v.Description = markup.Excerpt(st.Reply, 160) // the writer withdrew the letter
	}
	if st.ContentNote {
		v.Description = "A story about suicide or self-harm, with an advisor's reply and help at hand."
	}
	v.Canonical = s.baseURL + "/stories/" + st.Slug
	if n > 1 {
		v.Canonical += "?page=" + r.URL.Query().Get("page")
	}
	advisor := st.AdvisorName
	if advisor == "" {
		advisor = v.Site.AdvisorName
	}
	form, err := s.commentForm(r, st, nil, false)
	if err != nil {
		return err
	}
	v.Data = storyPage{Story: st, Comments: comments, Page: p, BaseURL: "/stories/" + st.Slug, Related: related,
		Advisor: advisor, MailLink: mailtoStory(v.Site.SiteName, st.Title, s.baseURL+"/s/"+strconv.FormatInt(st.ID, 10)), Form: form}
	return s.render(w, r, http.StatusOK, "story", v)
}

// mailtoStory builds the "E-mail this story" link: it opens the reader's own
// mail program, so it works without JavaScript and sends nothing through us.
// The link is the short one (/s/{id}): a slug tells what the story is about,
// and the friend's inbox may be shared. The subject is the site's name only.
func mailtoStory(site, _ string, link string) string {
	q := url.Values{}
	q.Set("subject", "A story on "+site)
	q.Set("body", "I thought this might help you:\n\n"+link+"\n")
	// url.Values encodes a literal "+" as %2B, so every "+" left is a space,
	// which mailto wants as %20.
	return "mailto:?" + strings.ReplaceAll(q.Encode(), "+", "%20")
}

// shortStory redirects /s/{id}, the short link of e-mails, to the story.
func (s *Server) shortStory(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	slug, err := s.svc.StorySlugByID(r.Context(), id)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/stories/"+slug, http.StatusFound) // #nosec G710 -- a path of this site, made from an id or a slug
	return nil
}

// commentLink redirects a comment's permalink to the page of its story
// that shows it.
func (s *Server) commentLink(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	slug, page, err := s.svc.CommentLink(r.Context(), id)
	if err != nil {
		return err
	}
	target := "/stories/" + slug
	if page > 1 {
		target += "?page=" + strconv.Itoa(page)
	}
	http.Redirect(w, r, target+"#comment-"+strconv.FormatInt(id, 10), http.StatusFound) // #nosec G710 -- a path of this site, made from an id or a slug
	return nil
}
