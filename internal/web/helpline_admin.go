package web

import (
	"html/template"
	"net/http"

	"github.com/confide/confide/internal/helplines"
	"github.com/confide/confide/internal/model"
)

// helplinesPage is the Data of the admins' helpline directory.
type helplinesPage struct {
	Custom  []model.Helpline
	Builtin []helplines.Line
	Form    form
}

var helplineFields = []string{"country", "country_name", "service", "phone", "contact", "web", "hours", "source", "checked"}

func (s *Server) adminHelplines(w http.ResponseWriter, r *http.Request) error {
	return s.renderHelplines(w, r, http.StatusOK, form{Values: map[string]string{}, Errors: map[string]template.HTML{}})
}

func (s *Server) renderHelplines(w http.ResponseWriter, r *http.Request, status int, f form) error {
	custom, err := s.svc.CustomHelplines(r.Context())
	if err != nil {
		return err
	}
	v, err := s.adminPage(r, s.lang(r).Text("title.crisis_lines"))
	if err != nil {
		return err
	}
	v.Data = helplinesPage{Custom: custom, Builtin: helplines.Builtin().All(), Form: f}
	return s.renderAdmin(w, r, status, "helplines", v)
}

func (s *Server) addHelpline(w http.ResponseWriter, r *http.Request) error {
	f, err := newForm(r, helplineFields...)
	if err != nil {
		return err
	}
	err = s.svc.AddHelpline(r.Context(), currentUser(r.Context()).ID, model.Helpline{Country: f.Get("country"),
		CountryName: f.Get("country_name"), Service: f.Get("service"), Phone: f.Get("phone"), Contact: f.Get("contact"),
		Web: f.Get("web"), Hours: f.Get("hours"), Source: f.Get("source"), Checked: f.Get("checked")})
	if err != nil {
		status, ferr := f.fail(s.lang(r), err)
		if ferr != nil {
			return ferr
		}
		return s.renderHelplines(w, r, status, f)
	}
	s.flash(r, "helpline_admin.line_was_added_its")
	http.Redirect(w, r, "/admin/helplines", http.StatusSeeOther)
	return nil
}

func (s *Server) deleteHelpline(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	if err := s.svc.DeleteHelpline(r.Context(), currentUser(r.Context()).ID, id); err != nil {
		return err
	}
	s.flash(r, "helpline_admin.line_was_removed")
	http.Redirect(w, r, "/admin/helplines", http.StatusSeeOther)
	return nil
}
