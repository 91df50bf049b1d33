package service

import (
	"context"
	"strings"
	"time"

	"github.com/confide/confide/internal/model"
)

// CommentStore is what comments, their moderation and their anti-spam
// layers need of the database.
type CommentStore interface {
	CreateComment(ctx context.Context, c *model.Comment) error
	CommentByID(ctx context.Context, id int64) (*model.Comment, error)
	StoryComments(ctx context.Context, storyID int64, status string, limit, offset int) ([]model.Comment, error)
	CommentPosition(ctx context.Context, c *model.Comment) (int, error)
	LatestComments(ctx context.Context, limit, offset, countUpTo int) ([]model.Comment, int, error)
	HasApprovedComment(ctx context.Context, email string) (bool, error)
	UpdateComment(ctx context.Context, c *model.Comment) error
	DeleteComment(ctx context.Context, id int64) error
	ModerationQueue(ctx context.Context, status string, limit, offset int) ([]model.Comment, int, error)
	CreateReport(ctx context.Context, r *model.CommentReport) error
	ResolveReports(ctx context.Context, commentID int64, at time.Time) error
	ReportsFrom(ctx context.Context, addrHash string, since time.Time) (int, error)
	SetCommentsClosed(ctx context.Context, storyID int64, closed bool) error
	PageChanges(ctx context.Context, after int64, limit int) ([]model.PageChange, error)
	PrunePageChanges(ctx context.Context, keep int64, batch int) (int64, error)

	SaveCaptcha(ctx context.Context, id, digits string, expires time.Time) error
	CaptchaDigits(ctx context.Context, id string, now time.Time) (string, bool, error)
	TakeCaptcha(ctx context.Context, id string, now time.Time) (string, bool, error)
	Hit(ctx context.Context, key string, window time.Time) (int64, error)
	PruneSpamState(ctx context.Context, before time.Time) error
	TokenCounts(ctx context.Context, tokens []string) (map[string][2]int64, int64, int64, error)
	Learn(ctx context.Context, tokens []string, isSpam bool, d int64) error
	BlockRules(ctx context.Context) ([]model.BlockRule, error)
	AddBlockRule(ctx context.Context, r *model.BlockRule) error
	DeleteBlockRule(ctx context.Context, id int64) error

	SubscriptionStore
}

// CommentsPerPage is how many comments the /comments page shows.
const CommentsPerPage = 20

// CommentsPages is how far back /comments goes: a big site has millions of
// comments, and paging through them all would read them all. Older comments
// are reached through their story.
const CommentsPages = 50

// StoryCommentsPerPage is how many comments a story page shows, oldest
// first; a story with more has pages (?page=N).
const StoryCommentsPerPage = 100

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
		return nil, model.Pagination{}, model.Errorf(model.ENOTFOUND, "error.no_page", "Page", page)
	}
	list, total, err := s.store.LatestComments(ctx, CommentsPerPage, (page-1)*CommentsPerPage, CommentsPages*CommentsPerPage)
	if err != nil {
		return nil, model.Pagination{}, err
	}
	p, err := paginate(page, CommentsPerPage, total)
	return list, p, err
}

// StoryComments returns one page of a published story's approved comments,
// oldest first.
func (s *Service) StoryComments(ctx context.Context, st *model.Story, page int) ([]model.Comment, model.Pagination, error) {
	p, err := paginate(page, StoryCommentsPerPage, st.CommentCount)
	if err != nil {
		return nil, p, err
	}
	list, err := s.store.StoryComments(ctx, st.ID, model.CommentApproved, StoryCommentsPerPage, p.Offset())
	return list, p, err
}

// CommentLink returns where an approved comment is shown: its story's slug
// and the page of the story's comments it is on.
func (s *Service) CommentLink(ctx context.Context, id int64) (slug string, page int, err error) {
	c, err := s.store.CommentByID(ctx, id)
	if err != nil {
		return "", 0, err
	}
	if c.Status != model.CommentApproved {
		return "", 0, model.ErrNotFound
	}
	st, err := s.store.StoryByID(ctx, c.StoryID)
	if err != nil {
		return "", 0, err
	}
	if !st.IsPublished() {
		return "", 0, model.ErrNotFound
	}
	n, err := s.store.CommentPosition(ctx, c)
	if err != nil {
		return "", 0, err
	}
	return st.Slug, n/StoryCommentsPerPage + 1, nil
}

// StorySlugByID returns the slug of a published story, for short links.
func (s *Service) StorySlugByID(ctx context.Context, id int64) (string, error) {
	st, err := s.store.StoryByID(ctx, id)
	if err != nil {
		return "", err
	}
	if !st.IsPublished() {
		return "", model.ErrNotFound
	}
	return st.Slug, nil
}

// AddComment stores a comment as it is given (state included). It is for
// trusted callers (demo content, imports); visitors' comments go through
// PostComment and its checks.
func (s *Service) AddComment(ctx context.Context, c *model.Comment) error {
	c.AuthorName = strings.TrimSpace(c.AuthorName)
	c.Body = strings.TrimSpace(c.Body)
	if c.AuthorName == "" || c.Body == "" || c.StoryID == 0 {
		return model.Errorf(model.EINVALID, "comment.comment_needs_story_name")
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = s.Now()
	}
	return s.store.CreateComment(ctx, c)
}
