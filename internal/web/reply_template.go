package web

import (
	"html/template"
	"net/http"

	"github.com/confide/confide/internal/model"
)

// templatesPage is the Data of an advisor's reply templates page.
type templatesPage struct {
	Templates []model.ReplyTemplate
	Form      form
}

func (s *Server) replyTemplates(w http.ResponseWriter, r *http.Request) error {
	return s.renderTemplates(w, r, http.StatusOK, form{Values: map[string]string{}, Errors: map[string]template.HTML{}})
}

func (s *Server) renderTemplates(w http.ResponseWriter, r *http.Request, status int, f form) error {
	list, err := s.svc.ReplyTemplates(r.Context(), currentUser(r.Context()).ID)
	if err != nil {
		return err
	}
	v, err := s.adminPage(r, s.lang(r).Text("title.reply_templates"))
	if err != nil {
		return err
	}
	v.Data = templatesPage{Templates: list, Form: f}
	return s.renderAdmin(w, r, status, "templates", v)
}

// saveReplyTemplate adds a template, or replaces the one of the same name.
func (s *Server) saveReplyTemplate(w http.ResponseWriter, r *http.Request) error {
	f, err := newForm(r, "name", "body")
	if err != nil {
		return err
	}
	if _, err := s.svc.SaveReplyTemplate(r.Context(), currentUser(r.Context()).ID, f.Values["name"], f.Values["body"]); err != nil {
		status, ferr := f.fail(s.lang(r), err)
		if ferr != nil {
			return ferr
		}
		return s.renderTemplates(w, r, status, f)
	}
	s.flash(r, "flash.template_saved", "Name", f.Get("name"))
	http.Redirect(w, r, "/admin/templates", http.StatusSeeOther)
	return nil
}

func (s *Server) deleteReplyTemplate(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	if err := s.svc.DeleteReplyTemplate(r.Context(), currentUser(r.Context()).ID, id); err != nil {
		return err
	}
	s.flash(r, "reply_template.template_was_deleted")
	http.Redirect(w, r, "/admin/templates", http.StatusSeeOther)
	return nil
}
