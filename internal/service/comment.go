package service

import (
	"context"
	"strings"

	"github.com/confide/confide/internal/model"
)

// CommentsPerPage is how many comments the /comments page shows.
const CommentsPerPage = 20

// CommentsPages is how far back /comments goes: a big site has millions of
// comments, and paging through them all would read them all. Older comments
// are reached through their story.
const CommentsPages = 50

// LatestComments returns the n newest approved comments on published stories,
// for the sidebar.
func (s *Service) LatestComments(ctx context.Context, n int) ([]model.Comment, error) {
	list, _, err := s.store.LatestComments(ctx, n, 0, 0)
	return list, err
}

// CommentsPage returns one page of the latest approved comments, of the
// newest CommentsPages pages.
func (s *Service) CommentsPage(ctx context.Context, page int) ([]model.Comment, model.Pagination, error) {
	if page < 1 || page > CommentsPages {
		return nil, model.Pagination{}, model.Errorf(model.ENOTFOUND, "There is no page %d here.", page)
	}
	list, total, err := s.store.LatestComments(ctx, CommentsPerPage, (page-1)*CommentsPerPage, CommentsPages*CommentsPerPage)
	if err != nil {
		return nil, model.Pagination{}, err
	}
	p, err := paginate(page, CommentsPerPage, total)
	return list, p, err
}

// AddComment stores a comment as it is given (state included). It is for
// trusted callers (demo content, imports); visitors' comments go through the
// checks of the commenting feature.
func (s *Service) AddComment(ctx context.Context, c *model.Comment) error {
	c.AuthorName = strings.TrimSpace(c.AuthorName)
	c.Body = strings.TrimSpace(c.Body)
	if c.AuthorName == "" || c.Body == "" || c.StoryID == 0 {
		return model.Errorf(model.EINVALID, "A comment needs a story, a name and some text.")
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = s.Now()
	}
	return s.store.CreateComment(ctx, c)
}
