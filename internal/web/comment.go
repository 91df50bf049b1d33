package web

import (
	"html/template"
	"net/http"
	"net/netip"
	"strconv"

	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
)

// commentList is the Data of the /comments page.
type commentList struct {
	Comments []model.Comment
	Page     model.Pagination
	BaseURL  string
}

func (s *Server) comments(w http.ResponseWriter, r *http.Request) error {
	n, err := pageParam(r)
	if err != nil {
		return err
	}
	pageShows(r, 0, true)
	list, p, err := s.svc.CommentsPage(r.Context(), n)
	if err != nil {
		return err
	}
	v, err := s.chrome(r.Context(), s.lang(r).Text("title.latest_comments"))
	if err != nil {
		return err
	}
	v.Canonical = s.baseURL + "/comments"
	v.Feed = "/comments/feed.atom"
	v.Data = commentList{Comments: list, Page: p, BaseURL: "/comments"}
	return s.render(w, r, http.StatusOK, "comments", v)
}

// commentForm is the comment form of a story: what was typed, the errors,
// and the anti-spam layers it shows.
type commentForm struct {
	form
	Slug    string
	Closed  bool
	Parent  *model.Comment // the comment answered, if any
	Captcha bool           // show the CAPTCHA
	Trap    bool           // the honeypot and the form key
	// Inline: the page is this visitor's own (after an error, or to
	// answer a comment), so the challenge is in it; on the cached story
	// page it comes from /check/new.png and its cookie instead.
	Inline    bool
	Challenge service.Challenge
}

// commentForm builds the form for st; inline pages get their own challenge.
func (s *Server) commentForm(r *http.Request, st *model.Story, f *form, inline bool) (commentForm, error) {
	a, err := s.svc.AntiSpamSettings(r.Context())
	if err != nil {
		return commentForm{}, err
	}
	cf := commentForm{Slug: st.Slug, Closed: st.CommentsClosed, Captcha: a.Captcha, Trap: a.Trap, Inline: inline}
	if f != nil {
		cf.form = *f
	} else {
		cf.form = form{Values: map[string]string{}, Errors: map[string]template.HTML{}}
	}
	if inline && (a.Captcha || a.Trap) {
		if cf.Challenge, err = s.svc.NewChallenge(r.Context()); err != nil {
			return cf, err
		}
	}
	return cf, nil
}

// checkCookie carries the form key of the challenge a visitor last loaded.
const checkCookie = "confide_check"

func (s *Server) setCheckCookie(w http.ResponseWriter, key string) {
	http.SetCookie(w, &http.Cookie{Name: checkCookie, Value: key, Path: "/", MaxAge: int(service.FormMaxAge.Seconds()), // #nosec G124 -- HttpOnly and SameSite=Lax; Secure whenever the site is served over HTTPS
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
}

// commentPage is the Data of the page that shows the comment form on its
// own: after an error, or to answer one comment.
type commentPage struct {
	Story *model.Story
	Form  commentForm
}

// newComment shows the form to answer a comment (?parent=ID).
func (s *Server) newComment(w http.ResponseWriter, r *http.Request) error {
	st, err := s.svc.PublishedStory(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	f := form{Values: map[string]string{"parent": r.URL.Query().Get("parent")}, Errors: map[string]template.HTML{}}
	return s.renderCommentPage(w, r, http.StatusOK, st, f)
}

func (s *Server) renderCommentPage(w http.ResponseWriter, r *http.Request, status int, st *model.Story, f form) error {
	cf, err := s.commentForm(r, st, &f, true)
	if err != nil {
		return err
	}
	if id, _ := strconv.ParseInt(f.Get("parent"), 10, 64); id > 0 {
		if c, err := s.svc.Comment(r.Context(), id); err == nil && c.StoryID == st.ID && c.Status == model.CommentApproved {
			cf.Parent = c
		}
	}
	v, err := s.chrome(r.Context(), s.lang(r).Text("title.write_a_comment"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Robots-Tag", "noindex")
	v.Data = commentPage{Story: st, Form: cf}
	return s.render(w, r, status, "comment_new", v)
}

// postComment takes a visitor's comment. On a mistake the form comes back
// with everything typed and a message by each field; otherwise the writer
// goes to the private page of their comment.
func (s *Server) postComment(w http.ResponseWriter, r *http.Request) error {
	f, err := newForm(r, "name", "email", "body", "parent", "subscribe", "website", "key", "answer")
	if err != nil {
		return err
	}
	key := f.Get("key")
	if key == "" {
		if c, err := r.Cookie(checkCookie); err == nil {
			key = c.Value
		}
	}
	parent, _ := strconv.ParseInt(f.Get("parent"), 10, 64)
	addr, _ := netip.ParseAddr(clientIP(r))
	posted, err := s.svc.PostComment(r.Context(), service.CommentInput{
		StorySlug: r.PathValue("slug"), ParentID: parent, Name: f.Values["name"], Email: f.Values["email"],
		Body: f.Values["body"], Subscribe: f.Get("subscribe") != "",
		Visitor: service.Visitor{Addr: addr, Trap: f.Values["website"], Key: key, Answer: f.Get("answer")},
	})
	if err != nil {
		status, ferr := f.fail(s.lang(r), err)
		if ferr != nil {
			return ferr
		}
		st, serr := s.svc.PublishedStory(r.Context(), r.PathValue("slug"))
		if serr != nil {
			return serr
		}
		// The answer was used up: the page shows a new challenge.
		f.Values["answer"], f.Values["key"] = "", ""
		return s.renderCommentPage(w, r, status, st, f)
	}
	target := "/comments/" + strconv.FormatInt(posted.Comment.ID, 10) + "/mine?k=" + posted.OwnerToken
	if posted.ConfirmSent {
		target += "&confirm=1"
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

// ownComment is the Data of a comment's private page.
type ownComment struct {
	Comment     *model.Comment
	Token       string
	CanChange   bool
	ConfirmSent bool
	Deleted     bool
	Form        form
	Help        *helpPage // when the comment's words read as risk
}

// privatePage marks a page that holds a secret link: never stored, never
// indexed, and its address never sent to another site.
func privatePage(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Robots-Tag", "noindex")
	w.Header().Set("Referrer-Policy", "no-referrer")
}

// private marks every answer of h, errors included, as privatePage does:
// for the routes reached by a secret link or that hold one.
func private(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		privatePage(w)
		return h(w, r)
	}
}

// myComment is the writer's private page of a comment: its state ("waiting
// for moderation" or published), and editing or deleting it for a while.
func (s *Server) myComment(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	c, err := s.svc.OwnComment(r.Context(), id, r.URL.Query().Get("k"))
	if err != nil {
		return err
	}
	f := form{Values: map[string]string{"body": c.Body}, Errors: map[string]template.HTML{}}
	return s.renderOwnComment(w, r, http.StatusOK, c, r.URL.Query().Get("k"), f, r.URL.Query().Get("confirm") != "")
}

func (s *Server) renderOwnComment(w http.ResponseWriter, r *http.Request, status int, c *model.Comment, token string, f form, confirm bool) error {
	v, err := s.chrome(r.Context(), s.lang(r).Text("title.your_comment"))
	if err != nil {
		return err
	}
	privatePage(w)
	own := ownComment{Comment: c, Token: token, CanChange: s.svc.CanChangeOwn(c), ConfirmSent: confirm, Form: f}
	if s.svc.Risk(c.Body).Tier > 0 {
		h := s.readerHelp(nil, r)
		own.Help = &h
	}
	v.Data = own
	return s.render(w, r, status, "comment_mine", v)
}

// changeMyComment edits or deletes a comment through its private link.
func (s *Server) changeMyComment(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	f, err := newForm(r, "k", "body", "action")
	if err != nil {
		return err
	}
	token := f.Get("k")
	if f.Get("action") == "delete" {
		c, err := s.svc.DeleteOwnComment(r.Context(), id, token)
		if err != nil {
			return err
		}
		v, err := s.chrome(r.Context(), s.lang(r).Text("title.comment_deleted"))
		if err != nil {
			return err
		}
		privatePage(w)
		v.Data = ownComment{Comment: c, Deleted: true}
		return s.render(w, r, http.StatusOK, "comment_mine", v)
	}
	c, err := s.svc.EditOwnComment(r.Context(), id, token, f.Values["body"])
	if err != nil {
		status, ferr := f.fail(s.lang(r), err)
		if ferr != nil {
			return ferr
		}
		old, oerr := s.svc.OwnComment(r.Context(), id, token)
		if oerr != nil {
			return oerr
		}
		return s.renderOwnComment(w, r, status, old, token, f, false)
	}
	http.Redirect(w, r, "/comments/"+strconv.FormatInt(c.ID, 10)+"/mine?k="+token, http.StatusSeeOther) // #nosec G710 -- a path of this site, made from an id or a slug
	return nil
}
