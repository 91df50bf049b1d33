package web

import (
	"net/http"

	"github.com/confide/confide/internal/i18n"
	"github.com/confide/confide/internal/markup"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
)

var settingsFields = []string{"site_name", "tagline", "mission", "advisor_name", "signature", "footer", "contact_email", "quick_exit_url", "letter_retention_months", "two_factor", "language"}

// settingsPage is the Data of the settings form: the languages to offer.
type settingsPage struct{ Languages []i18n.Language }

func (s *Server) settingsForm(w http.ResponseWriter, r *http.Request) error {
	site, err := s.svc.SiteSettings(r.Context())
	if err != nil {
		return err
	}
	v, err := s.adminPage(r, s.lang(r).Text("title.site_settings"))
	if err != nil {
		return err
	}
	v.Form = form{Values: map[string]string{"site_name": site.SiteName, "tagline": site.Tagline, "mission": site.Mission,
		"advisor_name": site.AdvisorName, "signature": site.Signature, "footer": site.Footer, "contact_email": site.ContactEmail, "quick_exit_url": site.QuickExitURL, "letter_retention_months": site.LetterRetention,
		"two_factor": site.TwoFactor, "language": site.Language}}
	v.Data = settingsPage{Languages: i18n.Languages}
	return s.renderAdmin(w, r, http.StatusOK, "settings", v)
}

func (s *Server) updateSettings(w http.ResponseWriter, r *http.Request) error {
	f, err := newForm(r, settingsFields...)
	if err != nil {
		return err
	}
	in := service.SettingsInput{SiteName: f.Values["site_name"], Tagline: f.Values["tagline"], Mission: f.Values["mission"],
		AdvisorName: f.Values["advisor_name"], Signature: f.Values["signature"], Footer: f.Values["footer"],
		ContactEmail: f.Values["contact_email"], QuickExitURL: f.Values["quick_exit_url"], LetterRetention: f.Get("letter_retention_months"),
		TwoFactor: f.Get("two_factor"), Language: f.Get("language")}
	if err := s.svc.UpdateSettings(r.Context(), currentUser(r.Context()).ID, in); err != nil {
		status, err := f.fail(s.lang(r), err)
		if err != nil {
			return err
		}
		v, err := s.adminPage(r, s.lang(r).Text("title.site_settings"))
		if err != nil {
			return err
		}
		v.Form = f
		v.Data = settingsPage{Languages: i18n.Languages}
		return s.renderAdmin(w, r, status, "settings", v)
	}
	s.flash(r, "site_admin.saved_settings")
	http.Redirect(w, r, "/admin/settings", http.StatusSeeOther)
	return nil
}

func (s *Server) pageForm(w http.ResponseWriter, r *http.Request, status int, f form, preview bool) error {
	v, err := s.adminPage(r, s.lang(r).Text("title.page", "Slug", f.Values["slug"]))
	if err != nil {
		return err
	}
	v.Form = f
	if preview {
		v.Data = markup.Markdown(f.Values["body"])
	}
	return s.renderAdmin(w, r, status, "page_edit", v)
}

func (s *Server) editPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.svc.Page(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	return s.pageForm(w, r, http.StatusOK, form{Values: map[string]string{"slug": p.Slug, "title": p.Title, "body": p.Body}}, false)
}

func (s *Server) updatePage(w http.ResponseWriter, r *http.Request) error {
	slug := r.PathValue("slug")
	if _, err := s.svc.Page(r.Context(), slug); err != nil {
		return err
	}
	f, err := newForm(r, "title", "body", "action")
	if err != nil {
		return err
	}
	f.Values["slug"] = slug
	if f.Get("action") == "preview" {
		return s.pageForm(w, r, http.StatusOK, f, true)
	}
	if err := s.svc.EditPage(r.Context(), currentUser(r.Context()).ID, &model.Page{Slug: slug, Title: f.Values["title"], Body: f.Values["body"]}); err != nil {
		status, err := f.fail(s.lang(r), err)
		if err != nil {
			return err
		}
		return s.pageForm(w, r, status, f, false)
	}
	s.flash(r, "site_admin.saved_page_site_now")
	http.Redirect(w, r, "/admin/pages/"+slug, http.StatusSeeOther) // #nosec G710 -- a path of this site, made from an id or a slug
	return nil
}
