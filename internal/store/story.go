package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/search"
)

// storyColumns is every column a story read needs, joined with its section
// and its count of approved comments (kept in story_counts by triggers, never
// counted on a read). listColumns leaves the reply out: lists show only an
// excerpt of the letter.
const (
	storyFrom = ` FROM stories s JOIN sections sec ON sec.id = s.section_id LEFT JOIN story_counts sc ON sc.story_id = s.id`
	storyHead = `SELECT s.id, s.slug, s.section_id, sec.slug, sec.name, s.title, s.author_name, s.letter, `
	storyTail = `, s.advisor_name, s.signature, s.status, s.published_at, s.created_at, s.updated_at,
		COALESCE(sc.comments, 0), s.comments_closed, s.content_note, s.content_note_mode, s.imported`
	storyColumns = storyHead + `s.reply` + storyTail
	listColumns  = storyHead + `''` + storyTail
)

func scanStory(row interface{ Scan(...any) error }) (model.Story, error) {
	var st model.Story
	var published sql.NullTime
	err := row.Scan(&st.ID, &st.Slug, &st.SectionID, &st.SectionSlug, &st.SectionName, &st.Title, &st.AuthorName,
		&st.Letter, &st.Reply, &st.AdvisorName, &st.Signature, &st.Status, &published, &st.CreatedAt, &st.UpdatedAt,
		&st.CommentCount, &st.CommentsClosed, &st.ContentNote, &st.ContentNoteMode, &st.Imported)
	st.PublishedAt = fromNull(published)
	st.CreatedAt = st.CreatedAt.UTC()
	st.UpdatedAt = st.UpdatedAt.UTC()
	return st, err
}

// CreateStory inserts a story and sets its ID. A taken slug is a conflict.
func (s *Store) CreateStory(ctx context.Context, st *model.Story) error {
	if st.CreatedAt.IsZero() || st.UpdatedAt.IsZero() {
		return fmt.Errorf("store: create story %q: times not set", st.Slug)
	}
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		return s.prepared(ctx, q, `INSERT INTO stories (slug, section_id, title, author_name, letter, reply,
			advisor_name, signature, status, published_at, created_at, updated_at, content_note, content_note_mode, content_checked,
			comments_closed, imported)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, TRUE, $15, $16) RETURNING id`).QueryRowContext(ctx,
			st.Slug, st.SectionID, st.Title, st.AuthorName, st.Letter, st.Reply, st.AdvisorName, st.Signature,
			st.Status, nullTime(st.PublishedAt), ts(st.CreatedAt), ts(st.UpdatedAt), st.ContentNote, noteMode(st.ContentNoteMode),
			st.CommentsClosed, st.Imported).Scan(&st.ID)
	})
	if isUniqueViolation(err) {
		return &model.Error{Code: model.ECONFLICT, Message: "story.story_with_address_already",
			Fields: map[string]model.Msg{"slug": model.M("section.address_taken")}, Err: err}
	}
	if err != nil {
		return fmt.Errorf("store: create story %q: %w", st.Slug, err)
	}
	return nil
}

// StorySlugTaken reports whether a story already uses slug.
func (s *Store) StorySlugTaken(ctx context.Context, slug string) (bool, error) {
	var n int
	if err := s.prepared(ctx, s.reader(ctx), `SELECT count(*) FROM stories WHERE slug = $1`).QueryRowContext(ctx, slug).Scan(&n); err != nil {
		return false, fmt.Errorf("store: story slug %q: %w", slug, err)
	}
	return n > 0, nil
}

// StoryBySlug returns one story of any status, or a not-found error.
func (s *Store) StoryBySlug(ctx context.Context, slug string) (*model.Story, error) {
	st, err := scanStory(s.reader(ctx).QueryRowContext(ctx, storyColumns+storyFrom+` WHERE s.slug = $1`, slug))
	if err != nil {
		return nil, fmt.Errorf("store: story %q: %w", slug, notFound(err, "story"))
	}
	return &st, nil
}

// Stories returns one page of stories, newest published first, without their
// replies, and the number of stories the filter matches. The number is kept
// (counters), and the page's ids are read from an index before any row, so a
// page deep in a big section costs a walk of a narrow index, not of stories.
func (s *Store) Stories(ctx context.Context, f model.StoryFilter) ([]model.Story, int, error) {
	var where []string
	var args []any
	if f.Status != "" {
		args = append(args, f.Status)
		where = append(where, fmt.Sprintf("status = $%d", len(args)))
	}
	if f.SectionID != 0 {
		args = append(args, f.SectionID)
		where = append(where, fmt.Sprintf("section_id = $%d", len(args)))
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	total, err := s.storyCount(ctx, f.SectionID, f.Status)
	if err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 20
	}
	args = append(args, limit, f.Offset)
	cols := listColumns
	if f.WithReply {
		cols = storyColumns
	}
	const order = " ORDER BY s.published_at DESC, s.id DESC"
	q := cols + storyFrom + " WHERE s.id IN (SELECT id FROM stories" + cond +
		fmt.Sprintf(" ORDER BY published_at DESC, id DESC LIMIT $%d OFFSET $%d)", len(args)-1, len(args)) + order
	out, err := s.storyList(ctx, q, args)
	if err != nil {
		return nil, 0, fmt.Errorf("store: stories: %w", err)
	}
	return out, total, nil
}

// storyCount reads the kept number of stories in a section (0: every
// section) and status ("": every status).
func (s *Store) storyCount(ctx context.Context, sectionID int64, status string) (int, error) {
	prefix := "stories:"
	if sectionID != 0 {
		prefix = fmt.Sprintf("section:%d:", sectionID)
	}
	var n int64
	var err error
	if status != "" {
		err = s.reader(ctx).QueryRowContext(ctx, `SELECT COALESCE(MAX(n), 0) FROM counters WHERE name = $1`, prefix+status).Scan(&n)
	} else {
		err = s.reader(ctx).QueryRowContext(ctx, `SELECT COALESCE(SUM(n), 0) FROM counters WHERE name IN ($1, $2, $3)`,
			prefix+model.StoryDraft, prefix+model.StoryPublished, prefix+model.StoryWithdrawn).Scan(&n)
	}
	if err != nil {
		return 0, fmt.Errorf("store: count stories: %w", err)
	}
	return int(n), nil
}

// storyList runs a query of storyColumns or listColumns.
func (s *Store) storyList(ctx context.Context, q string, args []any) ([]model.Story, error) {
	rows, err := s.reader(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []model.Story
	for rows.Next() {
		st, err := scanStory(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// StoryByID returns one story of any status.
func (s *Store) StoryByID(ctx context.Context, id int64) (*model.Story, error) {
	st, err := scanStory(s.reader(ctx).QueryRowContext(ctx, storyColumns+storyFrom+` WHERE s.id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("store: story %d: %w", id, notFound(err, "story"))
	}
	return &st, nil
}

// UpdateStory writes every editable field of a story, its status and times.
func (s *Store) UpdateStory(ctx context.Context, st *model.Story) error {
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		res, err := q.ExecContext(ctx, `UPDATE stories SET slug = $1, section_id = $2, title = $3, author_name = $4,
			letter = $5, reply = $6, advisor_name = $7, signature = $8, status = $9, published_at = $10, updated_at = $11,
			comments_closed = $12, content_note = $13, content_note_mode = $14, content_checked = TRUE
			WHERE id = $15`,
			st.Slug, st.SectionID, st.Title, st.AuthorName, st.Letter, st.Reply, st.AdvisorName, st.Signature,
			st.Status, nullTime(st.PublishedAt), ts(st.UpdatedAt), st.CommentsClosed, st.ContentNote, noteMode(st.ContentNoteMode), st.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.ErrNotFound
		}
		return nil
	})
	if isUniqueViolation(err) {
		return &model.Error{Code: model.ECONFLICT, Message: "story.story_with_address_already",
			Fields: map[string]model.Msg{"slug": model.M("section.address_taken")}, Err: err}
	}
	if err != nil {
		return fmt.Errorf("store: update story %d: %w", st.ID, err)
	}
	return nil
}

// DeleteStory removes a story and its comments.
func (s *Store) DeleteStory(ctx context.Context, id int64) error {
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		// Comments first: ON DELETE CASCADE is in the schema, but SQLite
		// applies it only with foreign keys on, and this keeps both engines alike.
		if _, err := q.ExecContext(ctx, `DELETE FROM comments WHERE story_id = $1`, id); err != nil {
			return err
		}
		res, err := q.ExecContext(ctx, `DELETE FROM stories WHERE id = $1`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: delete story %d: %w", id, err)
	}
	return nil
}

// AdminStories lists stories of every status for the admin area, newest
// change first, optionally only those in one status, and how many there are
// (kept in counters).
//
// With a query it lists the stories whose title has words beginning with
// the query's words ("lone fam" finds "Lonely in my family"), newest first,
// found through the title's search index (a scan for a piece of text would
// read every title of a big site), and counts them up to countUpTo.
func (s *Store) AdminStories(ctx context.Context, query, status string, limit, offset, countUpTo int) ([]model.Story, int, error) {
	if query != "" {
		return s.adminTitleSearch(ctx, query, status, limit, offset, countUpTo)
	}
	var where string
	var args []any
	if status != "" {
		args = append(args, status)
		where = " WHERE status = $1"
	}
	total, err := s.storyCount(ctx, 0, status)
	if err != nil {
		return nil, 0, err
	}
	args = append(args, limit, offset)
	q := listColumns + storyFrom + " WHERE s.id IN (SELECT id FROM stories" + where +
		fmt.Sprintf(" ORDER BY updated_at DESC, id DESC LIMIT $%d OFFSET $%d)", len(args)-1, len(args)) +
		" ORDER BY s.updated_at DESC, s.id DESC"
	out, err := s.storyList(ctx, q, args)
	if err != nil {
		return nil, 0, fmt.Errorf("store: admin stories: %w", err)
	}
	return out, total, nil
}

// adminTitleSearch is AdminStories with a query. A query of very common
// words alone ("my", "after the"), which the search index leaves out, looks
// for the text in the titles instead: a scan of every title, but rare.
func (s *Store) adminTitleSearch(ctx context.Context, raw, status string, limit, offset, countUpTo int) ([]model.Story, int, error) {
	q := search.Parse(raw).Beginnings()
	var query string
	var args []any
	switch {
	case q.Empty():
		args = []any{"%" + likeEscape(strings.ToLower(strings.TrimSpace(raw))) + "%"}
		query = `SELECT id FROM stories WHERE lower(title) LIKE $1 ESCAPE '\'`
		if status != "" {
			args = append(args, status)
			query += " AND status = $2"
		}
	case s.db.Dialect == database.SQLite:
		args = []any{fts5Query(q)}
		query = `SELECT t.rowid FROM stories_title_fts t`
		if status != "" {
			args = append(args, status)
			query += ` JOIN stories d INDEXED BY stories_search_filter ON d.id = t.rowid WHERE d.status = $2 AND`
		} else {
			query += ` WHERE`
		}
		query += ` stories_title_fts MATCH $1`
	default:
		expr, targs := tsQuery(q, 1)
		args = targs
		query = `SELECT id FROM stories WHERE to_tsvector('english', title) @@ ` + expr
		if status != "" {
			args = append(args, status)
			query += fmt.Sprintf(" AND status = $%d", len(args))
		}
	}
	ids, err := s.ids(ctx, query+fmt.Sprintf(" ORDER BY 1 DESC LIMIT %d", countUpTo), args)
	if err != nil {
		return nil, 0, fmt.Errorf("store: admin stories %q: %w", raw, err)
	}
	total := len(ids)
	ids = ids[min(offset, total):min(offset+limit, total)]
	if len(ids) == 0 {
		return nil, total, nil
	}
	byID := make([]any, len(ids))
	for i, id := range ids {
		byID[i] = id
	}
	out, err := s.storyList(ctx, listColumns+storyFrom+" WHERE s.id IN ("+placeholders(1, len(ids))+") ORDER BY s.id DESC", byID)
	if err != nil {
		return nil, 0, fmt.Errorf("store: admin stories %q: %w", raw, err)
	}
	return out, total, nil
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func noteMode(m string) string {
	if m == "" {
		return model.NoteAuto
	}
	return m
}

// UncheckedStories returns up to limit stories not yet checked for a
// content note (written before the check existed), with their text.
func (s *Store) UncheckedStories(ctx context.Context, limit int) ([]model.Story, error) {
	rows, err := s.reader(ctx).QueryContext(ctx, `SELECT id, letter, reply, content_note_mode FROM stories WHERE NOT content_checked
		ORDER BY id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: unchecked stories: %w", err)
	}
	defer rows.Close()
	var out []model.Story
	for rows.Next() {
		var st model.Story
		if err := rows.Scan(&st.ID, &st.Letter, &st.Reply, &st.ContentNoteMode); err != nil {
			return nil, fmt.Errorf("store: unchecked stories: %w", err)
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// SetContentNotes records the check of stories: which need a content note.
func (s *Store) SetContentNotes(ctx context.Context, notes map[int64]bool) error {
	if len(notes) == 0 {
		return nil
	}
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		for id, on := range notes {
			if _, err := q.ExecContext(ctx, `UPDATE stories SET content_note = $1, content_checked = TRUE WHERE id = $2`, on, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: content notes: %w", err)
	}
	return nil
}
