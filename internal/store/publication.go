package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/confide/confide/internal/model"
)

const publicationColumns = `SELECT letter_id, version, state, title, slug, COALESCE(section_id, 0), author_name,
	letter_text, reply_text, writer_message, COALESCE(story_id, 0), COALESCE(user_id, 0), updated_at, decided_at
	FROM letter_publications`

func scanPublication(row interface{ Scan(...any) error }) (*model.Publication, error) {
	var p model.Publication
	var decided sql.NullTime
	err := row.Scan(&p.LetterID, &p.Version, &p.State, &p.Title, &p.Slug, &p.SectionID, &p.AuthorName,
		&p.Letter, &p.Reply, &p.WriterMessage, &p.StoryID, &p.UserID, &p.UpdatedAt, &decided)
	p.UpdatedAt, p.DecidedAt = p.UpdatedAt.UTC(), fromNull(decided)
	return &p, err
}

// Publication returns the copy of a letter prepared for publishing, or a
// not-found error when no advisor has saved one.
func (s *Store) Publication(ctx context.Context, letterID int64) (*model.Publication, error) {
	p, err := scanPublication(s.reader(ctx).QueryRowContext(ctx, publicationColumns+` WHERE letter_id = $1`, letterID))
	if err != nil {
		return nil, notFound(err, "copy for publishing")
	}
	return p, nil
}

// PublicationByStory returns the copy a published story was made from, or
// a not-found error for a story that did not come from a letter.
func (s *Store) PublicationByStory(ctx context.Context, storyID int64) (*model.Publication, error) {
	p, err := scanPublication(s.reader(ctx).QueryRowContext(ctx, publicationColumns+` WHERE story_id = $1`, storyID))
	if err != nil {
		return nil, notFound(err, "copy for publishing")
	}
	return p, nil
}

// SavePublication stores a copy made from version base (0: the first) with
// every field as given, and sets its version; saved is false, and nothing
// changes, when the stored copy has moved on since base. The writer's
// answers save with the version they answered, so an answer to a copy that
// changed meanwhile is refused the same way.
func (s *Store) SavePublication(ctx context.Context, p *model.Publication, base int64) (saved bool, err error) {
	err = s.InTx(ctx, func(ctx context.Context) error {
		q := s.writer(ctx)
		var res sql.Result
		next := base + 1
		if base == 0 {
			res, err = q.ExecContext(ctx, `INSERT INTO letter_publications (letter_id, version, state, title, slug,
				section_id, author_name, letter_text, reply_text, writer_message, story_id, user_id, updated_at, decided_at)
				VALUES ($1, 1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (letter_id) DO NOTHING`,
				p.LetterID, p.State, p.Title, p.Slug, nullID(p.SectionID), p.AuthorName, p.Letter, p.Reply, p.WriterMessage,
				nullID(p.StoryID), nullID(p.UserID), ts(p.UpdatedAt), nullTime(p.DecidedAt))
		} else {
			if p.Version == base {
				// The writer's answer, or a change of state alone: the text
				// the writer saw keeps its version.
				next = base
			}
			res, err = q.ExecContext(ctx, `UPDATE letter_publications SET version = $1, state = $2, title = $3, slug = $4,
				section_id = $5, author_name = $6, letter_text = $7, reply_text = $8, writer_message = $9, story_id = $10,
				user_id = $11, updated_at = $12, decided_at = $13 WHERE letter_id = $14 AND version = $15`,
				next, p.State, p.Title, p.Slug, nullID(p.SectionID), p.AuthorName, p.Letter, p.Reply, p.WriterMessage,
				nullID(p.StoryID), nullID(p.UserID), ts(p.UpdatedAt), nullTime(p.DecidedAt), p.LetterID, base)
		}
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		saved = n == 1
		if saved {
			p.Version = next
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("store: save copy of letter %d: %w", p.LetterID, err)
	}
	return saved, nil
}

// ErasePublication empties the writer's words from a letter's copy: the
// anonymised letter, its title and the writer's messages.
func (s *Store) ErasePublication(ctx context.Context, letterID int64, at time.Time) error {
	err := s.InTx(ctx, func(ctx context.Context) error {
		_, err := s.writer(ctx).ExecContext(ctx, `UPDATE letter_publications SET letter_text = '', title = '',
			writer_message = '', state = 'declined', updated_at = $1 WHERE letter_id = $2`, ts(at), letterID)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: erase copy of letter %d: %w", letterID, err)
	}
	return nil
}

// AddStoryRedirect keeps a story's old address, so that it answers 301 to
// the story's current one.
func (s *Store) AddStoryRedirect(ctx context.Context, slug string, storyID int64, at time.Time) error {
	err := s.InTx(ctx, func(ctx context.Context) error {
		_, err := s.writer(ctx).ExecContext(ctx, `INSERT INTO story_redirects (slug, story_id, created_at) VALUES ($1, $2, $3)
			ON CONFLICT (slug) DO UPDATE SET story_id = excluded.story_id, created_at = excluded.created_at`, slug, storyID, ts(at))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: keep old address %q: %w", slug, err)
	}
	return nil
}

// StoryRedirect returns the story an old address now belongs to, or a
// not-found error.
func (s *Store) StoryRedirect(ctx context.Context, slug string) (int64, error) {
	var id int64
	err := s.reader(ctx).QueryRowContext(ctx, `SELECT story_id FROM story_redirects WHERE slug = $1`, slug).Scan(&id)
	if err != nil {
		return 0, notFound(err, "story")
	}
	return id, nil
}

// WritersToTell lists writers whose published story has new approved
// comments since they were last told (or since it was published), leaving
// out those told after notBefore: the caller tells each at most daily.
func (s *Store) WritersToTell(ctx context.Context, notBefore time.Time, limit int) ([]model.WriterToTell, error) {
	rows, err := s.reader(ctx).QueryContext(ctx, `SELECT id, story_id, n FROM (SELECT l.id, p.story_id,
		(SELECT COUNT(*) FROM comments c WHERE c.story_id = p.story_id AND c.status = 'approved'
			AND c.created_at > COALESCE(l.comments_seen_at, st.published_at)) AS n
		FROM letters l JOIN letter_publications p ON p.letter_id = l.id JOIN stories st ON st.id = p.story_id
		WHERE l.notify_comments AND l.writer_email <> '' AND l.status = 'published' AND st.status = 'published'
			AND (l.comments_told_at IS NULL OR l.comments_told_at <= $1)) counted
		WHERE n > 0 ORDER BY id LIMIT $2`, ts(notBefore), limit)
	if err != nil {
		return nil, fmt.Errorf("store: writers to tell of comments: %w", err)
	}
	defer rows.Close()
	var found []model.WriterToTell
	for rows.Next() {
		var w model.WriterToTell
		if err := rows.Scan(&w.Letter.ID, &w.StoryID, &w.Comments); err != nil {
			return nil, fmt.Errorf("store: writers to tell of comments: %w", err)
		}
		found = append(found, w)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: writers to tell of comments: %w", err)
	}
	for i := range found {
		l, err := s.LetterByID(ctx, found[i].Letter.ID)
		if err != nil {
			return nil, err
		}
		found[i].Letter = *l
	}
	return found, nil
}

// MarkCommentsTold records that a writer was told of comments until at
// (told), or that comments before at need no telling (!told: they asked
// just now).
func (s *Store) MarkCommentsTold(ctx context.Context, letterID int64, at time.Time, told bool) error {
	err := s.InTx(ctx, func(ctx context.Context) error {
		q := `UPDATE letters SET comments_seen_at = $1 WHERE id = $2`
		if told {
			q = `UPDATE letters SET comments_seen_at = $1, comments_told_at = $1 WHERE id = $2`
		}
		return oneRow(s.writer(ctx).ExecContext(ctx, q, ts(at), letterID))
	})
	if err != nil {
		return fmt.Errorf("store: writer told of comments, letter %d: %w", letterID, err)
	}
	return nil
}
