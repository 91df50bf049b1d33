package web

import (
	"html/template"
	"net/http"
	"strconv"

	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
)

// moderationQueue is the Data of the moderators' queue.
type moderationQueue struct {
	Comments []model.Comment
	Page     model.Pagination
	Status   string
	BaseURL  string
	Tabs     []queueTab
}

type queueTab struct {
	Status, Label string
	Current       bool
}

func (s *Server) adminComments(w http.ResponseWriter, r *http.Request) error {
	n, err := pageParam(r)
	if err != nil {
		return err
	}
	status := r.URL.Query().Get("status")
	list, p, err := s.svc.ModerationQueue(r.Context(), status, n)
	if err != nil {
		return err
	}
	v, err := s.adminPage(r, s.lang(r).Text("title.comments_to_moderate"))
	if err != nil {
		return err
	}
	q := moderationQueue{Comments: list, Page: p, Status: status, BaseURL: "/admin/comments"}
	if status != "" {
		q.BaseURL += "?status=" + status
	}
	for _, t := range []queueTab{{"", "queue.all", false}, {"pending", "queue.pending", false},
		{"reported", "queue.reported", false}, {"spam", "queue.spam", false}} {
		t.Current = t.Status == status
		t.Label = s.lang(r).Text(t.Label)
		q.Tabs = append(q.Tabs, t)
	}
	v.Data = q
	return s.renderAdmin(w, r, http.StatusOK, "comments", v)
}

// moderateComments applies the chosen action to the selected comments.
func (s *Server) moderateComments(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return model.Errorf(model.EINVALID, "comment_admin.form_could_not_read")
	}
	var ids []int64
	for _, v := range r.PostForm["id"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			ids = append(ids, id)
		}
	}
	action := r.PostForm.Get("action")
	n, err := s.svc.Moderate(r.Context(), currentUser(r.Context()).ID, action, ids)
	if err != nil {
		if model.ErrorCode(err) == model.EINVALID {
			id, args := model.ErrorMessage(err)
			s.flash(r, id, args...)
			http.Redirect(w, r, safeNext(r.PostForm.Get("next")), http.StatusSeeOther) // #nosec G710 -- safeNext keeps it inside /admin/ on this site
			return nil
		}
		return err
	}
	s.flash(r, "moderated."+action, "Count", n)
	http.Redirect(w, r, safeNext(r.PostForm.Get("next")), http.StatusSeeOther) // #nosec G710 -- safeNext keeps it inside /admin/ on this site
	return nil
}

// commentEdit is the Data of the moderator's comment editor.
type commentEdit struct {
	Comment *model.Comment
	Form    form
}

func (s *Server) editComment(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	c, err := s.svc.Comment(r.Context(), id)
	if err != nil {
		return err
	}
	f := form{Values: map[string]string{"name": c.AuthorName, "body": c.Body}, Errors: map[string]template.HTML{}}
	return s.renderCommentEdit(w, r, http.StatusOK, c, f)
}

func (s *Server) renderCommentEdit(w http.ResponseWriter, r *http.Request, status int, c *model.Comment, f form) error {
	v, err := s.adminPage(r, s.lang(r).Text("title.edit_comment"))
	if err != nil {
		return err
	}
	v.Data = commentEdit{Comment: c, Form: f}
	return s.renderAdmin(w, r, status, "comment_edit", v)
}

func (s *Server) updateComment(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	f, err := newForm(r, "name", "body")
	if err != nil {
		return err
	}
	if _, err := s.svc.EditComment(r.Context(), currentUser(r.Context()).ID, id, f.Values["name"], f.Values["body"]); err != nil {
		status, ferr := f.fail(s.lang(r), err)
		if ferr != nil {
			return ferr
		}
		c, cerr := s.svc.Comment(r.Context(), id)
		if cerr != nil {
			return cerr
		}
		return s.renderCommentEdit(w, r, status, c, f)
	}
	s.flash(r, "comment_admin.comment_was_saved")
	http.Redirect(w, r, "/admin/comments", http.StatusSeeOther)
	return nil
}

// closeComments opens or closes a story's comments.
func (s *Server) closeComments(closed bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := idParam(r)
		if err != nil {
			return err
		}
		if err := s.svc.SetCommentsClosed(r.Context(), currentUser(r.Context()).ID, id, closed); err != nil {
			return err
		}
		if closed {
			s.flash(r, "comment_post.comments_story_closed")
		} else {
			s.flash(r, "comment_admin.comments_story_open_again")
		}
		http.Redirect(w, r, "/admin/stories/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
		return nil
	}
}

// antiSpamPage is the Data of the anti-spam settings and the block list.
type antiSpamPage struct {
	Settings service.AntiSpam
	Rules    []model.BlockRule
	Form     form
	RuleForm form
}

func (s *Server) antiSpam(w http.ResponseWriter, r *http.Request) error {
	a, err := s.svc.AntiSpamSettings(r.Context())
	if err != nil {
		return err
	}
	return s.renderAntiSpam(w, r, http.StatusOK, a, form{}, form{Values: map[string]string{"action": "hold", "kind": "word"}})
}

func (s *Server) renderAntiSpam(w http.ResponseWriter, r *http.Request, status int, a service.AntiSpam, f, rf form) error {
	rules, err := s.svc.BlockRules(r.Context())
	if err != nil {
		return err
	}
	v, err := s.adminPage(r, s.lang(r).Text("title.anti_spam"))
	if err != nil {
		return err
	}
	v.Data = antiSpamPage{Settings: a, Rules: rules, Form: f, RuleForm: rf}
	return s.renderAdmin(w, r, status, "antispam", v)
}

func (s *Server) updateAntiSpam(w http.ResponseWriter, r *http.Request) error {
	f, err := newForm(r, "captcha", "trap", "limits", "links", "rules", "score", "max_links", "policy")
	if err != nil {
		return err
	}
	max, err := strconv.Atoi(f.Get("max_links"))
	if err != nil {
		max = -1
	}
	a := service.AntiSpam{Captcha: f.Get("captcha") != "", Trap: f.Get("trap") != "", Limits: f.Get("limits") != "",
		Links: f.Get("links") != "", Rules: f.Get("rules") != "", Score: f.Get("score") != "", MaxLinks: max, Policy: f.Get("policy")}
	if err := s.svc.SetAntiSpam(r.Context(), currentUser(r.Context()).ID, a); err != nil {
		status, ferr := f.fail(s.lang(r), err)
		if ferr != nil {
			return ferr
		}
		return s.renderAntiSpam(w, r, status, a, f, form{Values: map[string]string{}})
	}
	s.flash(r, "comment_admin.anti_spam_settings_saved")
	http.Redirect(w, r, "/admin/antispam", http.StatusSeeOther)
	return nil
}

func (s *Server) addBlockRule(w http.ResponseWriter, r *http.Request) error {
	f, err := newForm(r, "kind", "value", "action", "note")
	if err != nil {
		return err
	}
	rule := model.BlockRule{Kind: f.Get("kind"), Value: f.Get("value"), Action: f.Get("action"), Note: f.Get("note")}
	if err := s.svc.AddBlockRule(r.Context(), currentUser(r.Context()).ID, rule); err != nil {
		status, ferr := f.fail(s.lang(r), err)
		if ferr != nil {
			return ferr
		}
		a, aerr := s.svc.AntiSpamSettings(r.Context())
		if aerr != nil {
			return aerr
		}
		return s.renderAntiSpam(w, r, status, a, form{}, f)
	}
	s.flash(r, "comment_admin.added_block_list")
	http.Redirect(w, r, "/admin/antispam", http.StatusSeeOther)
	return nil
}

func (s *Server) deleteBlockRule(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	if err := s.svc.DeleteBlockRule(r.Context(), currentUser(r.Context()).ID, id); err != nil {
		return err
	}
	s.flash(r, "comment_admin.removed_from_block_list")
	http.Redirect(w, r, "/admin/antispam", http.StatusSeeOther)
	return nil
}
