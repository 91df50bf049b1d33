package web

import (
	"net/http"
	"strconv"

	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
)

func (f form) sectionInput() service.SectionInput {
	return service.SectionInput{Name: f.Get("name"), Slug: f.Get("slug"), Description: f.Get("description")}
}

// sectionsPage lists the sections with their order and a form for a new one.
func (s *Server) sectionsPage(w http.ResponseWriter, r *http.Request, status int, f form) error {
	secs, err := s.svc.Sections(r.Context())
	if err != nil {
		return err
	}
	v, err := s.adminPage(r, s.lang(r).Text("title.sections"))
	if err != nil {
		return err
	}
	v.Form, v.Data = f, secs
	return s.renderAdmin(w, r, status, "sections", v)
}

func (s *Server) adminSections(w http.ResponseWriter, r *http.Request) error {
	return s.sectionsPage(w, r, http.StatusOK, form{})
}

func (s *Server) createSection(w http.ResponseWriter, r *http.Request) error {
	f, err := newForm(r, "name", "slug", "description")
	if err != nil {
		return err
	}
	sec, err := s.svc.CreateSection(r.Context(), currentUser(r.Context()).ID, f.sectionInput())
	if err != nil {
		status, err := f.fail(s.lang(r), err)
		if err != nil {
			return err
		}
		return s.sectionsPage(w, r, status, f)
	}
	s.flash(r, "flash.section_added", "Name", sec.Name)
	http.Redirect(w, r, "/admin/sections", http.StatusSeeOther)
	return nil
}

func (s *Server) editSection(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	sec, err := s.svc.Section(r.Context(), id)
	if err != nil {
		return err
	}
	return s.sectionForm(w, r, http.StatusOK, sec, form{Values: map[string]string{
		"name": sec.Name, "slug": sec.Slug, "description": sec.Description}})
}

func (s *Server) sectionForm(w http.ResponseWriter, r *http.Request, status int, sec *model.Section, f form) error {
	v, err := s.adminPage(r, s.lang(r).Text("title.section", "Name", sec.Name))
	if err != nil {
		return err
	}
	v.Form, v.Data = f, sec
	return s.renderAdmin(w, r, status, "section_edit", v)
}

func (s *Server) updateSection(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	sec, err := s.svc.Section(r.Context(), id)
	if err != nil {
		return err
	}
	f, err := newForm(r, "name", "slug", "description")
	if err != nil {
		return err
	}
	if _, err := s.svc.UpdateSection(r.Context(), currentUser(r.Context()).ID, id, f.sectionInput()); err != nil {
		status, err := f.fail(s.lang(r), err)
		if err != nil {
			return err
		}
		return s.sectionForm(w, r, status, sec, f)
	}
	s.flash(r, "section_admin.saved_section")
	http.Redirect(w, r, "/admin/sections", http.StatusSeeOther)
	return nil
}

func (s *Server) moveSection(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	f, err := newForm(r, "delta")
	if err != nil {
		return err
	}
	delta, _ := strconv.Atoi(f.Get("delta"))
	if delta != -1 && delta != 1 {
		return model.Errorf(model.EINVALID, "section_admin.section_moves_one_place")
	}
	if err := s.svc.MoveSection(r.Context(), currentUser(r.Context()).ID, id, delta); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/sections", http.StatusSeeOther)
	return nil
}
