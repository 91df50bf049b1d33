package web

import (
	"net/http"

	"github.com/confide/confide/internal/model"
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
	list, p, err := s.svc.CommentsPage(r.Context(), n)
	if err != nil {
		return err
	}
	v, err := s.chrome(r.Context(), "Latest comments")
	if err != nil {
		return err
	}
	v.Canonical = s.baseURL + "/comments"
	v.Feed = "/comments/feed.atom"
	v.Data = commentList{Comments: list, Page: p, BaseURL: "/comments"}
	return s.render(w, r, http.StatusOK, "comments", v)
}
