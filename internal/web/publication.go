package web

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"

	"github.com/confide/confide/internal/markup"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/redact"
	"github.com/confide/confide/internal/service"
)

// publicationPage is the Data of the page where an advisor prepares the
// anonymised copy of a letter for the writer to approve.
type publicationPage struct {
	Thread   *service.LetterThread
	Copy     *model.Publication // as stored (version 0: not saved yet)
	Current  *model.Publication // another advisor's newer copy, after a refused save
	Sections []model.Section
	Preview  template.HTML
	Form     form
	// PII is what the redactor finds in the copy as typed, by field.
	PII map[string][]redact.Finding
}

// adminPublication shows the copy editor beside the original letter.
func (s *Server) adminPublication(w http.ResponseWriter, r *http.Request) error {
	return s.renderPublication(w, r, http.StatusOK, form{Values: map[string]string{}, Errors: map[string]template.HTML{}}, nil, "")
}

func (s *Server) renderPublication(w http.ResponseWriter, r *http.Request, status int, f form, current *model.Publication, preview template.HTML) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	th, err := s.svc.AdminLetter(r.Context(), id)
	if err != nil {
		return err
	}
	p, err := s.svc.PublicationFor(r.Context(), id)
	if err != nil {
		return err
	}
	secs, err := s.svc.Sections(r.Context())
	if err != nil {
		return err
	}
	if _, typed := f.Values["letter"]; !typed {
		f.Values = map[string]string{"title": p.Title, "slug": p.Slug, "section": strconv.FormatInt(p.SectionID, 10),
			"author": p.AuthorName, "letter": p.Letter, "reply": p.Reply, "version": strconv.FormatInt(p.Version, 10)}
	}
	if current != nil {
		f.Values["version"] = strconv.FormatInt(current.Version, 10) // the next save builds on it, on purpose
	}
	v, err := s.adminPage(r, s.lang(r).Text("title.publish_a_letter"))
	if err != nil {
		return err
	}
	pii := service.PersonalDataIn(service.PublicationInput{Title: f.Values["title"], AuthorName: f.Values["author"],
		Letter: f.Values["letter"], Reply: f.Values["reply"]})
	v.Data = publicationPage{Thread: th, Copy: p, Current: current, Sections: secs, Preview: preview, Form: f, PII: pii}
	return s.renderAdmin(w, r, status, "publication", v)
}

// savePublication saves the copy, previews it, or shows it to the writer.
func (s *Server) savePublication(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	f, err := newForm(r, "action", "title", "slug", "section", "author", "letter", "reply", "version", "replace", "checked")
	if err != nil {
		return err
	}
	if which := f.Get("replace"); which != "" || f.Get("action") == "replace-all" {
		// One click: the finding (or every finding) becomes its
		// replacement in the text as typed; nothing is saved yet.
		l := s.lang(r)
		replacement := func(kind string) string { return l.Text("pii.replace." + kind) }
		for _, field := range []string{"title", "author", "letter", "reply"} {
			fs := redact.Find(f.Values[field])
			if which == "" {
				f.Values[field] = redact.ApplyWith(f.Values[field], fs, replacement)
				continue
			}
			for _, fd := range fs {
				if which == fmt.Sprintf("%s:%d:%d", field, fd.Start, fd.End) {
					f.Values[field] = redact.ApplyWith(f.Values[field], []redact.Finding{fd}, replacement)
				}
			}
		}
		return s.renderPublication(w, r, http.StatusOK, f, nil, "")
	}
	if f.Get("action") == "preview" {
		return s.renderPublication(w, r, http.StatusOK, f, nil, markup.Markdown(f.Values["reply"]))
	}
	section, _ := strconv.ParseInt(f.Get("section"), 10, 64)
	base, _ := strconv.ParseInt(f.Get("version"), 10, 64)
	in := service.PublicationInput{Title: f.Values["title"], Slug: f.Get("slug"), SectionID: section,
		AuthorName: f.Values["author"], Letter: f.Values["letter"], Reply: f.Values["reply"], Checked: f.Get("checked") != ""}
	propose := f.Get("action") == "propose"
	_, err = s.svc.SavePublication(r.Context(), currentUser(r.Context()).ID, id, in, base, propose)
	if err != nil {
		status, ferr := f.fail(s.lang(r), err)
		if ferr != nil {
			return ferr
		}
		var conflict *service.PublicationConflict
		if errors.As(err, &conflict) {
			return s.renderPublication(w, r, status, f, conflict.Current, "")
		}
		return s.renderPublication(w, r, status, f, nil, "")
	}
	if propose {
		s.flash(r, "publication.copy_writer_s_page")
	} else {
		s.flash(r, "publication.copy_was_saved_writer")
	}
	http.Redirect(w, r, "/admin/letters/"+strconv.FormatInt(id, 10)+"/publication", http.StatusSeeOther)
	return nil
}
