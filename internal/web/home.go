package web

import (
	"net/http"
	"strconv"

	"github.com/confide/confide/internal/model"
)

// storyList is the Data of pages that list stories.
type storyList struct {
	Heading string
	Intro   string
	Section *model.Section
	Stories []model.Story
	Page    model.Pagination
	BaseURL string // the list's URL without ?page, for the pager
}

// pageParam reads ?page=N; anything but a positive number is a page that
// does not exist.
func pageParam(r *http.Request) (int, error) {
	raw := r.URL.Query().Get("page")
	if raw == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 {
		return 0, model.Errorf(model.ENOTFOUND, "error.no_page", "Page", raw)
	}
	return n, nil
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	n, err := pageParam(r)
	if err != nil {
		return err
	}
	pageShows(r, 0, true) // comment counts
	stories, p, err := s.svc.LatestStories(r.Context(), n)
	if err != nil {
		return err
	}
	v, err := s.chrome(r.Context(), "")
	if err != nil {
		return err
	}
	v.Title = v.Site.SiteName
	v.Description = v.Site.Mission
	v.Canonical = s.baseURL + "/"
	v.Feed = "/feed.atom"
	v.Data = storyList{Heading: s.lang(r).Text("home.latest"), Stories: stories, Page: p, BaseURL: "/"}
	return s.render(w, r, http.StatusOK, "home", v)
}

func (s *Server) section(w http.ResponseWriter, r *http.Request) error {
	n, err := pageParam(r)
	if err != nil {
		return err
	}
	pageShows(r, 0, true) // comment counts
	sec, stories, p, err := s.svc.SectionStories(r.Context(), r.PathValue("slug"), n)
	if err != nil {
		return err
	}
	v, err := s.chrome(r.Context(), sec.Name)
	if err != nil {
		return err
	}
	v.Description = sec.Description
	v.Canonical = s.baseURL + "/sections/" + sec.Slug
	v.Feed = "/sections/" + sec.Slug + "/feed.atom"
	v.Data = storyList{Heading: sec.Name, Intro: sec.Description, Section: sec, Stories: stories, Page: p,
		BaseURL: "/sections/" + sec.Slug}
	return s.render(w, r, http.StatusOK, "section", v)
}
