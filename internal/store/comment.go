package store

import (
	"context"
	"fmt"

	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/model"
)

// CreateComment inserts a comment and sets its ID.
func (s *Store) CreateComment(ctx context.Context, c *model.Comment) error {
	if c.CreatedAt.IsZero() {
		return fmt.Errorf("store: create comment: CreatedAt not set")
	}
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		return q.QueryRowContext(ctx, `INSERT INTO comments (story_id, author_name, author_email, body, status, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			c.StoryID, c.AuthorName, c.AuthorEmail, c.Body, c.Status, ts(c.CreatedAt)).Scan(&c.ID)
	})
	if err != nil {
		return fmt.Errorf("store: create comment on story %d: %w", c.StoryID, err)
	}
	return nil
}

const commentColumns = `SELECT c.id, c.story_id, s.slug, s.title, c.author_name, c.author_email, c.body, c.status, c.created_at
	FROM comments c JOIN stories s ON s.id = c.story_id`

func scanComments(rows interface {
	Next() bool
	Scan(...any) error
	Err() error
}) ([]model.Comment, error) {
	var out []model.Comment
	for rows.Next() {
		var c model.Comment
		if err := rows.Scan(&c.ID, &c.StoryID, &c.StorySlug, &c.StoryTitle, &c.AuthorName, &c.AuthorEmail,
			&c.Body, &c.Status, &c.CreatedAt); err != nil {
			return nil, err
		}
		c.CreatedAt = c.CreatedAt.UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}

// StoryComments lists a story's comments in one status, oldest first.
func (s *Store) StoryComments(ctx context.Context, storyID int64, status string) ([]model.Comment, error) {
	rows, err := s.reader(ctx).QueryContext(ctx, commentColumns+` WHERE c.story_id = $1 AND c.status = $2
		ORDER BY c.created_at, c.id`, storyID, status)
	if err != nil {
		return nil, fmt.Errorf("store: comments of story %d: %w", storyID, err)
	}
	defer rows.Close()
	out, err := scanComments(rows)
	if err != nil {
		return nil, fmt.Errorf("store: comments of story %d: %w", storyID, err)
	}
	return out, nil
}

// LatestComments lists approved comments on published stories, newest first.
// With countUpTo above zero it also counts them, but never past countUpTo:
// a big site has millions, and counting them all reads every one.
//
// Stories readers may not see are the few (drafts, withdrawn): they are left
// out by their ids, read once from a partial index, rather than by looking
// up each comment's story, whose status sits after its long text.
func (s *Store) LatestComments(ctx context.Context, limit, offset, countUpTo int) ([]model.Comment, int, error) {
	hidden := `SELECT id FROM stories WHERE status <> 'published'`
	if s.db.Dialect == database.SQLite {
		// Named: the planner would rather scan a covering index of every
		// story than read this partial one.
		hidden = `SELECT id FROM stories INDEXED BY stories_unpublished WHERE status <> 'published'`
	}
	newest := ` FROM comments WHERE status = 'approved' AND story_id NOT IN (` + hidden + `)
		ORDER BY created_at DESC, id DESC`
	total := -1
	if countUpTo > 0 {
		if err := s.reader(ctx).QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1`+newest+` LIMIT $1) AS newest`,
			countUpTo).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("store: count latest comments: %w", err)
		}
	}
	rows, err := s.reader(ctx).QueryContext(ctx, commentColumns+` WHERE c.id IN (SELECT id`+newest+` LIMIT $1 OFFSET $2)
		ORDER BY c.created_at DESC, c.id DESC`, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("store: latest comments: %w", err)
	}
	defer rows.Close()
	out, err := scanComments(rows)
	if err != nil {
		return nil, 0, fmt.Errorf("store: latest comments: %w", err)
	}
	return out, total, nil
}
