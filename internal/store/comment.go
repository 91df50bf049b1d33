package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/model"
)

// Comments never bump the content version: a held comment changes no page,
// and an approved one changes its story's pages and the lists, which the
// page_changes rows its triggers write tell every instance (see
// PageChanges). change runs such a write and tells this process's caches.
func (s *Store) change(ctx context.Context, fn func(ctx context.Context, q querier) error) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		if err := fn(ctx, s.writer(ctx)); err != nil {
			return err
		}
		txOf(ctx).wrote = true
		return nil
	})
}

// CreateComment inserts a comment and sets its ID.
func (s *Store) CreateComment(ctx context.Context, c *model.Comment) error {
	if c.CreatedAt.IsZero() {
		return fmt.Errorf("store: create comment: CreatedAt not set")
	}
	var parent any
	if c.ParentID != 0 {
		parent = c.ParentID
	}
	err := s.change(ctx, func(ctx context.Context, q querier) error {
		return s.prepared(ctx, q, `INSERT INTO comments (story_id, parent_id, author_name, author_email, body, status,
			held_reason, spam_score, addr_hash, owner_hash, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`).QueryRowContext(ctx,
			c.StoryID, parent, c.AuthorName, c.AuthorEmail, c.Body, c.Status, c.HeldReason, c.SpamScore,
			c.AddrHash, c.OwnerHash, ts(c.CreatedAt)).Scan(&c.ID)
	})
	if err != nil {
		return fmt.Errorf("store: create comment on story %d: %w", c.StoryID, err)
	}
	return nil
}

const (
	commentSelect = `SELECT c.id, c.story_id, s.slug, s.title, COALESCE(c.parent_id, 0), COALESCE(p.author_name, ''),
	c.author_name, c.author_email, c.body, c.status, c.held_reason, c.spam_score, c.addr_hash, c.owner_hash,
	c.created_at, c.updated_at`
	commentFrom    = ` FROM comments c JOIN stories s ON s.id = c.story_id LEFT JOIN comments p ON p.id = c.parent_id`
	commentColumns = commentSelect + commentFrom
)

type rowScanner interface {
	Next() bool
	Scan(...any) error
	Err() error
}

func scanComment(row interface{ Scan(...any) error }, extra ...any) (model.Comment, error) {
	var c model.Comment
	var updated sql.NullTime
	dest := append([]any{&c.ID, &c.StoryID, &c.StorySlug, &c.StoryTitle, &c.ParentID, &c.ParentName,
		&c.AuthorName, &c.AuthorEmail, &c.Body, &c.Status, &c.HeldReason, &c.SpamScore, &c.AddrHash, &c.OwnerHash,
		&c.CreatedAt, &updated}, extra...)
	err := row.Scan(dest...)
	c.CreatedAt = c.CreatedAt.UTC()
	c.UpdatedAt = fromNull(updated)
	return c, err
}

func scanComments(rows rowScanner) ([]model.Comment, error) {
	var out []model.Comment
	for rows.Next() {
		c, err := scanComment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CommentByID returns one comment in any state, or a not-found error.
func (s *Store) CommentByID(ctx context.Context, id int64) (*model.Comment, error) {
	c, err := scanComment(s.reader(ctx).QueryRowContext(ctx, commentColumns+` WHERE c.id = $1`, id))
	if err != nil {
		return nil, notFound(err, "comment")
	}
	return &c, nil
}

// StoryComments lists a page of a story's comments in one status, oldest
// first.
func (s *Store) StoryComments(ctx context.Context, storyID int64, status string, limit, offset int) ([]model.Comment, error) {
	rows, err := s.reader(ctx).QueryContext(ctx, commentColumns+` WHERE c.id IN (SELECT id FROM comments
		WHERE story_id = $1 AND status = $2 ORDER BY created_at, id LIMIT $3 OFFSET $4)
		ORDER BY c.created_at, c.id`, storyID, status, limit, offset)
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

// CommentPosition returns how many approved comments of c's story come
// before c, to find the page it is on.
func (s *Store) CommentPosition(ctx context.Context, c *model.Comment) (int, error) {
	var n int
	err := s.reader(ctx).QueryRowContext(ctx, `SELECT count(*) FROM comments WHERE story_id = $1 AND status = 'approved'
		AND (created_at < $2 OR (created_at = $2 AND id < $3))`, c.StoryID, ts(c.CreatedAt), c.ID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: position of comment %d: %w", c.ID, err)
	}
	return n, nil
}

// HasApprovedComment reports whether an e-mail address has an approved
// comment, for the "hold a first comment" policy.
func (s *Store) HasApprovedComment(ctx context.Context, email string) (bool, error) {
	var n int
	err := s.reader(ctx).QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM comments
		WHERE author_email = $1 AND status = 'approved' LIMIT 1) AS one`, email).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: approved comments of an address: %w", err)
	}
	return n > 0, nil
}

// UpdateComment writes a comment's name, body, state, reason, score and
// edit time.
func (s *Store) UpdateComment(ctx context.Context, c *model.Comment) error {
	err := s.change(ctx, func(ctx context.Context, q querier) error {
		return oneRow(q.ExecContext(ctx, `UPDATE comments SET author_name = $1, body = $2, status = $3, held_reason = $4,
			spam_score = $5, updated_at = $6 WHERE id = $7`,
			c.AuthorName, c.Body, c.Status, c.HeldReason, c.SpamScore, nullTime(c.UpdatedAt), c.ID))
	})
	if err != nil {
		return fmt.Errorf("store: update comment %d: %w", c.ID, err)
	}
	return nil
}

// DeleteComment removes a comment; answers to it stay, unthreaded.
func (s *Store) DeleteComment(ctx context.Context, id int64) error {
	err := s.change(ctx, func(ctx context.Context, q querier) error {
		return oneRow(q.ExecContext(ctx, `DELETE FROM comments WHERE id = $1`, id))
	})
	if err != nil {
		return fmt.Errorf("store: delete comment %d: %w", id, err)
	}
	return nil
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

// ModerationQueue lists the comments a moderator must look at, newest
// first: held ones, and any comment with an open report. status picks
// "pending", "reported", "spam" or "" for pending and reported together.
func (s *Store) ModerationQueue(ctx context.Context, status string, limit, offset int) ([]model.Comment, int, error) {
	// Each set comes from its own index (held comments by state and date,
	// open reports by comment): a site of millions of comments is never
	// scanned for the few that wait.
	reported := `SELECT comment_id FROM comment_reports WHERE resolved_at IS NULL`
	var where string
	switch status {
	case "pending":
		where = `c.status = 'pending'`
	case "spam":
		where = `c.status = 'spam'`
	case "reported":
		where = `c.id IN (` + reported + `)`
	default:
		where = `c.id IN (SELECT id FROM comments WHERE status = 'pending' UNION ` + reported + `)`
	}
	var total int
	if err := s.reader(ctx).QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM comments c WHERE `+where+
		` LIMIT $1) AS q`, maxListed).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count moderation queue: %w", err)
	}
	rows, err := s.reader(ctx).QueryContext(ctx, commentSelect+`,
		(SELECT count(*) FROM comment_reports r WHERE r.comment_id = c.id AND r.resolved_at IS NULL),
		COALESCE((SELECT max(r.reason) FROM comment_reports r WHERE r.comment_id = c.id AND r.resolved_at IS NULL), '')`+
		commentFrom+` WHERE `+where+` ORDER BY c.created_at DESC, c.id DESC LIMIT $1 OFFSET $2`, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("store: moderation queue: %w", err)
	}
	defer rows.Close()
	var out []model.Comment
	for rows.Next() {
		var c model.Comment
		var updated sql.NullTime
		if err := rows.Scan(&c.ID, &c.StoryID, &c.StorySlug, &c.StoryTitle, &c.ParentID, &c.ParentName,
			&c.AuthorName, &c.AuthorEmail, &c.Body, &c.Status, &c.HeldReason, &c.SpamScore, &c.AddrHash, &c.OwnerHash,
			&c.CreatedAt, &updated, &c.Reports, &c.ReportNotes); err != nil {
			return nil, 0, fmt.Errorf("store: moderation queue: %w", err)
		}
		c.CreatedAt = c.CreatedAt.UTC()
		c.UpdatedAt = fromNull(updated)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: moderation queue: %w", err)
	}
	return out, total, nil
}

// CreateReport records a reader's report of a comment.
func (s *Store) CreateReport(ctx context.Context, r *model.CommentReport) error {
	err := s.InTx(ctx, func(ctx context.Context) error {
		return s.writer(ctx).QueryRowContext(ctx, `INSERT INTO comment_reports (comment_id, reason, note, addr_hash, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, r.CommentID, r.Reason, r.Note, r.AddrHash, ts(r.CreatedAt)).Scan(&r.ID)
	})
	if err != nil {
		return fmt.Errorf("store: report comment %d: %w", r.CommentID, err)
	}
	return nil
}

// ResolveReports closes the open reports of a comment.
func (s *Store) ResolveReports(ctx context.Context, commentID int64, at time.Time) error {
	err := s.InTx(ctx, func(ctx context.Context) error {
		_, err := s.writer(ctx).ExecContext(ctx, `UPDATE comment_reports SET resolved_at = $1
			WHERE comment_id = $2 AND resolved_at IS NULL`, ts(at), commentID)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: resolve reports of comment %d: %w", commentID, err)
	}
	return nil
}

// ReportsFrom counts the reports an address hash made since a time.
func (s *Store) ReportsFrom(ctx context.Context, addrHash string, since time.Time) (int, error) {
	var n int
	err := s.reader(ctx).QueryRowContext(ctx, `SELECT count(*) FROM comment_reports WHERE addr_hash = $1 AND created_at >= $2`,
		addrHash, ts(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: reports from an address: %w", err)
	}
	return n, nil
}

// PageChanges returns the changes to stories' pages after seq, oldest
// first, at most limit.
func (s *Store) PageChanges(ctx context.Context, after int64, limit int) ([]model.PageChange, error) {
	rows, err := s.reader(ctx).QueryContext(ctx, `SELECT seq, story_id FROM page_changes WHERE seq > $1 ORDER BY seq LIMIT $2`,
		after, limit)
	if err != nil {
		return nil, fmt.Errorf("store: page changes: %w", err)
	}
	defer rows.Close()
	var out []model.PageChange
	for rows.Next() {
		var c model.PageChange
		if err := rows.Scan(&c.Seq, &c.StoryID); err != nil {
			return nil, fmt.Errorf("store: page changes: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// PrunePageChanges forgets the oldest page changes beyond the newest keep,
// at most batch of them a call: a site that imported millions of comments
// is pruned a little at a time, never holding the write lock for long.
func (s *Store) PrunePageChanges(ctx context.Context, keep int64, batch int) (int64, error) {
	var n int64
	err := s.InTx(ctx, func(ctx context.Context) error {
		res, err := s.writer(ctx).ExecContext(ctx, `DELETE FROM page_changes WHERE seq IN (SELECT seq FROM page_changes
			WHERE seq < (SELECT COALESCE(max(seq), 0) FROM page_changes) - $1 ORDER BY seq LIMIT $2)`, keep, batch)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: prune page changes: %w", err)
	}
	return n, nil
}

// SetCommentsClosed opens or closes a story's comments.
func (s *Store) SetCommentsClosed(ctx context.Context, storyID int64, closed bool) error {
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		return oneRow(q.ExecContext(ctx, `UPDATE stories SET comments_closed = $1 WHERE id = $2`, closed, storyID))
	})
	if err != nil {
		return fmt.Errorf("store: close comments of story %d: %w", storyID, err)
	}
	return nil
}
