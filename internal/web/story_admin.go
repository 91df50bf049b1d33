package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"github.com/confide/confide/internal/markup"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
)

var storyFields = []string{"title", "slug", "section", "author_name", "letter", "reply", "advisor_name", "signature", "content_note", "action"}

// storyEditor is the Data of the story form.
type storyEditor struct {
	Story    *model.Story // nil for a new story
	Sections []model.Section
	Preview  template.HTML // the rendered reply, after "Preview"
	Letter   template.HTML
}

func idParam(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, model.ErrNotFound
	}
	return id, nil
}

func (f form) storyInput() service.StoryInput {
	section, _ := strconv.ParseInt(f.Get("section"), 10, 64)
	return service.StoryInput{Title: f.Get("title"), Slug: f.Get("slug"), SectionID: section,
		AuthorName: f.Get("author_name"), Letter: f.Values["letter"], Reply: f.Values["reply"],
		AdvisorName: f.Get("advisor_name"), Signature: f.Values["signature"], ContentNoteMode: f.Get("content_note")}
}

func (s *Server) adminStories(w http.ResponseWriter, r *http.Request) error {
	n, err := pageParam(r)
	if err != nil {
		return err
	}
	q, status := r.URL.Query().Get("q"), r.URL.Query().Get("status")
	list, p, err := s.svc.AdminStories(r.Context(), q, status, n)
	if err != nil {
		return err
	}
	v, err := s.adminPage(r, s.lang(r).Text("title.stories"))
	if err != nil {
		return err
	}
	v.Form = form{Values: map[string]string{"q": q, "status": status}}
	params := url.Values{}
	if q != "" {
		params.Set("q", q)
	}
	if status != "" {
		params.Set("status", status)
	}
	base := "/admin/stories"
	if len(params) > 0 {
		base += "?" + params.Encode()
	}
	v.Data = struct {
		Stories []model.Story
		Page    model.Pagination
		BaseURL string
	}{list, p, base}
	return s.renderAdmin(w, r, http.StatusOK, "stories", v)
}

// storyForm renders the editor with f's values (or the story's).
func (s *Server) storyForm(w http.ResponseWriter, r *http.Request, status int, st *model.Story, f form, preview bool) error {
	secs, err := s.svc.Sections(r.Context())
	if err != nil {
		return err
	}
	title := s.lang(r).Text("title.new_story")
	if st != nil {
		title = s.lang(r).Text("title.edit_story", "Title", st.Title)
	}
	v, err := s.adminPage(r, title)
	if err != nil {
		return err
	}
	ed := storyEditor{Story: st, Sections: secs}
	if preview {
		ed.Preview = markup.Markdown(f.Values["reply"])
		ed.Letter = markup.Plain(f.Values["letter"])
	}
	v.Form, v.Data = f, ed
	return s.renderAdmin(w, r, status, "story_edit", v)
}

func (s *Server) newStory(w http.ResponseWriter, r *http.Request) error {
	site, err := s.svc.SiteSettings(r.Context())
	if err != nil {
		return err
	}
	f := form{Values: map[string]string{"advisor_name": site.AdvisorName, "signature": site.Signature}}
	return s.storyForm(w, r, http.StatusOK, nil, f, false)
}

func (s *Server) createStory(w http.ResponseWriter, r *http.Request) error {
	f, err := newForm(r, storyFields...)
	if err != nil {
		return err
	}
	if f.Get("action") == "preview" {
		return s.storyForm(w, r, http.StatusOK, nil, f, true)
	}
	st, err := s.svc.CreateStory(r.Context(), currentUser(r.Context()).ID, f.storyInput(), f.Get("action") == "publish")
	if err != nil {
		status, err := f.fail(s.lang(r), err)
		if err != nil {
			return err
		}
		return s.storyForm(w, r, status, nil, f, false)
	}
	if st.IsPublished() {
		s.flash(r, "flash.published", "Title", st.Title)
	} else {
		s.flash(r, "flash.saved_draft", "Title", st.Title)
	}
	http.Redirect(w, r, "/admin/stories/"+strconv.FormatInt(st.ID, 10), http.StatusSeeOther)
	return nil
}

func storyValues(st *model.Story) map[string]string {
	return map[string]string{"title": st.Title, "slug": st.Slug, "section": strconv.FormatInt(st.SectionID, 10),
		"author_name": st.AuthorName, "letter": st.Letter, "reply": st.Reply, "advisor_name": st.AdvisorName,
		"signature": st.Signature, "content_note": st.ContentNoteMode}
}

func (s *Server) editStory(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	st, err := s.svc.StoryForEdit(r.Context(), id)
	if err != nil {
		return err
	}
	return s.storyForm(w, r, http.StatusOK, st, form{Values: storyValues(st)}, false)
}

func (s *Server) updateStory(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	st, err := s.svc.StoryForEdit(r.Context(), id)
	if err != nil {
		return err
	}
	f, err := newForm(r, storyFields...)
	if err != nil {
		return err
	}
	if f.Get("action") == "preview" {
		return s.storyForm(w, r, http.StatusOK, st, f, true)
	}
	updated, err := s.svc.UpdateStory(r.Context(), currentUser(r.Context()).ID, id, f.storyInput())
	if err != nil {
		status, err := f.fail(s.lang(r), err)
		if err != nil {
			return err
		}
		return s.storyForm(w, r, status, st, f, false)
	}
	s.flash(r, "flash.saved", "Title", updated.Title)
	http.Redirect(w, r, "/admin/stories/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

func (s *Server) storyStatus(status string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := idParam(r)
		if err != nil {
			return err
		}
		st, err := s.svc.SetStoryStatus(r.Context(), currentUser(r.Context()).ID, id, status)
		if model.ErrorCode(err) == model.EINVALID {
			// Publishing a story without a reply: show the editor with why.
			cur, gerr := s.svc.StoryForEdit(r.Context(), id)
			if gerr != nil {
				return gerr
			}
			f := form{Values: storyValues(cur), Errors: map[string]template.HTML{}}
			code, ferr := f.fail(s.lang(r), err)
			if ferr != nil {
				return ferr
			}
			return s.storyForm(w, r, code, cur, f, false)
		}
		if err != nil {
			return err
		}
		if st.IsPublished() {
			s.flash(r, "flash.published_live", "Title", st.Title)
		} else {
			s.flash(r, "flash.unpublished", "Title", st.Title)
		}
		http.Redirect(w, r, "/admin/stories/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
		return nil
	}
}

func (s *Server) confirmDeleteStory(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	st, err := s.svc.StoryForEdit(r.Context(), id)
	if err != nil {
		return err
	}
	v, err := s.adminPage(r, s.lang(r).Text("title.delete_story", "Title", st.Title))
	if err != nil {
		return err
	}
	v.Data = st
	return s.renderAdmin(w, r, http.StatusOK, "story_delete", v)
}

func (s *Server) deleteStory(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	if err := s.svc.DeleteStory(r.Context(), currentUser(r.Context()).ID, id); err != nil {
		return err
	}
	s.flash(r, "story_admin.story_was_deleted")
	http.Redirect(w, r, "/admin/stories", http.StatusSeeOther)
	return nil
}

// adminSearch is full-text search over every story, drafts and withdrawn
// ones too, ranked like the public search.
func (s *Server) adminSearch(w http.ResponseWriter, r *http.Request) error {
	n, err := pageParam(r)
	if err != nil {
		return err
	}
	q := r.URL.Query().Get("q")
	res, err := s.svc.AdminSearchStories(r.Context(), q, n)
	if err != nil {
		return err
	}
	v, err := s.adminPage(r, s.lang(r).Text("title.search"))
	if err != nil {
		return err
	}
	v.Form = form{Values: map[string]string{"q": res.Query}}
	v.Data = struct {
		Result  *service.SearchResult
		BaseURL string
	}{res, "/admin/search?" + url.Values{"q": {res.Query}}.Encode()}
	return s.renderAdmin(w, r, http.StatusOK, "search", v)
}
