package web

import (
	"encoding/json"
	"html/template"
	"net/http"
	"net/netip"

	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
)

// adminPrivacy is the admins' page for requests about one person's data:
// export everything held about an address, or erase it in one step.
func (s *Server) adminPrivacy(w http.ResponseWriter, r *http.Request) error {
	return s.renderAdminPrivacy(w, r, http.StatusOK, form{Values: map[string]string{}, Errors: map[string]template.HTML{}})
}

func (s *Server) renderAdminPrivacy(w http.ResponseWriter, r *http.Request, status int, f form) error {
	v, err := s.adminPage(r, s.lang(r).Text("title.personal_data"))
	if err != nil {
		return err
	}
	v.Data = struct{ Form form }{f}
	return s.renderAdmin(w, r, status, "privacy", v)
}

// adminPrivacyAction exports (a JSON file) or erases what is held about an
// address.
func (s *Server) adminPrivacyAction(w http.ResponseWriter, r *http.Request) error {
	f, err := newForm(r, "email", "action", "confirm")
	if err != nil {
		return err
	}
	actor := currentUser(r.Context()).ID
	switch f.Get("action") {
	case "export":
		d, err := s.svc.ExportPerson(r.Context(), actor, f.Get("email"))
		if err != nil {
			return s.failPrivacy(w, r, f, err)
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="personal-data.json"`)
		w.Header().Set("Cache-Control", "no-store")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(d)
	case "erase":
		if f.Get("confirm") == "" {
			return s.failPrivacy(w, r, f, &model.Error{Code: model.EINVALID, Message: "personal_data.tick_box_confirm_erasure",
				Fields: map[string]model.Msg{"confirm": model.M("personal_data.tick_confirm_cannot_undone")}})
		}
		e, err := s.svc.ErasePerson(r.Context(), actor, f.Get("email"))
		if err != nil {
			return s.failPrivacy(w, r, f, err)
		}
		s.flash(r, "flash.erased", "Letters", e.Letters, "Comments", e.Comments)
		http.Redirect(w, r, "/admin/privacy", http.StatusSeeOther)
		return nil
	}
	return model.Errorf(model.EINVALID, "letter.unknown_action")
}

func (s *Server) failPrivacy(w http.ResponseWriter, r *http.Request, f form, err error) error {
	status, ferr := f.fail(s.lang(r), err)
	if ferr != nil {
		return ferr
	}
	return s.renderAdminPrivacy(w, r, status, f)
}

// erasePage is the Data of the pages where a commenter deletes their
// comments.
type erasePage struct {
	Form    form
	Check   commentForm
	Sent    bool
	Token   string // a good link from the mail, to confirm
	Deleted int64
	Done    bool
}

// eraseCommentsForm asks for the address whose comments are to go.
func (s *Server) eraseCommentsForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderErase(w, r, http.StatusOK, erasePage{Form: form{Values: map[string]string{}, Errors: map[string]template.HTML{}}})
}

func (s *Server) renderErase(w http.ResponseWriter, r *http.Request, status int, p erasePage) error {
	check, err := s.commentForm(r, &model.Story{}, &p.Form, true)
	if err != nil {
		return err
	}
	p.Check = check
	v, err := s.chrome(r.Context(), s.lang(r).Text("title.delete_my_comments"))
	if err != nil {
		return err
	}
	privatePage(w)
	v.NoIndex = true
	v.Data = p
	return s.render(w, r, status, "comment_erase", v)
}

// eraseCommentsRequest mails the link; the answer is the same whether or
// not the address wrote anything.
func (s *Server) eraseCommentsRequest(w http.ResponseWriter, r *http.Request) error {
	f, err := newForm(r, "email", "website", "key", "answer")
	if err != nil {
		return err
	}
	addr, _ := netip.ParseAddr(clientIP(r))
	err = s.svc.RequestCommentErasure(r.Context(), f.Values["email"], service.Visitor{Addr: addr, Trap: f.Values["website"],
		Key: f.Get("key"), Answer: f.Get("answer")})
	if err != nil {
		status, ferr := f.fail(s.lang(r), err)
		if ferr != nil {
			return ferr
		}
		return s.renderErase(w, r, status, erasePage{Form: f})
	}
	return s.renderErase(w, r, http.StatusOK, erasePage{Form: f, Sent: true})
}

// eraseCommentsConfirm shows the link's confirmation, then erases.
func (s *Server) eraseCommentsConfirm(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("k")
	f := form{Values: map[string]string{}, Errors: map[string]template.HTML{}}
	if r.Method == http.MethodPost {
		var err error
		if f, err = newForm(r, "k"); err != nil {
			return err
		}
		token = f.Get("k")
		n, err := s.svc.EraseMyComments(r.Context(), token)
		if err != nil {
			return err
		}
		return s.renderErase(w, r, http.StatusOK, erasePage{Form: f, Done: true, Deleted: n})
	}
	if err := s.svc.CheckEraseLink(token); err != nil {
		return err
	}
	return s.renderErase(w, r, http.StatusOK, erasePage{Form: f, Token: token})
}
