package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/model"
)

// StartImport records the start of an import run and sets its ID.
func (s *Store) StartImport(ctx context.Context, imp *model.Import) error {
	err := s.writer(ctx).QueryRowContext(ctx, `INSERT INTO imports (source, file_name, status, started_at)
		VALUES ($1, $2, $3, $4) RETURNING id`, imp.Source, imp.FileName, imp.Status, ts(imp.StartedAt)).Scan(&imp.ID)
	if err != nil {
		return fmt.Errorf("store: start import: %w", err)
	}
	return nil
}

// FinishImport records how an import run ended.
func (s *Store) FinishImport(ctx context.Context, imp *model.Import) error {
	_, err := s.writer(ctx).ExecContext(ctx, `UPDATE imports SET status = $1, finished_at = $2, sections = $3, stories = $4,
		comments = $5, error = $6 WHERE id = $7`,
		imp.Status, nullTime(imp.FinishedAt), imp.Sections, imp.Stories, imp.Comments, imp.Error, imp.ID)
	if err != nil {
		return fmt.Errorf("store: finish import %d: %w", imp.ID, err)
	}
	return nil
}

// ImportedThings returns what earlier imports brought from source, of one
// kind, by WordPress's id.
func (s *Store) ImportedThings(ctx context.Context, source, kind string) (map[int64]model.ImportedThing, error) {
	rows, err := s.reader(ctx).QueryContext(ctx, `SELECT wp_id, local_id, made FROM imported WHERE source = $1 AND kind = $2`, source, kind)
	if err != nil {
		return nil, fmt.Errorf("store: imported %ss: %w", kind, err)
	}
	defer rows.Close()
	out := map[int64]model.ImportedThing{}
	for rows.Next() {
		t := model.ImportedThing{Kind: kind}
		if err := rows.Scan(&t.WPID, &t.LocalID, &t.Made); err != nil {
			return nil, fmt.Errorf("store: imported %ss: %w", kind, err)
		}
		out[t.WPID] = t
	}
	return out, rows.Err()
}

// importRows bounds the rows of one multi-row INSERT (PostgreSQL takes at
// most 65,535 arguments, SQLite 32,766).
const importRows = 500

// RecordImported notes what an import run brought.
func (s *Store) RecordImported(ctx context.Context, source string, importID int64, things []model.ImportedThing) error {
	if s.db.Dialect == database.SQLite {
		// One row at a time through one prepared statement: on SQLite
		// (no round trips) that beats compiling a statement of many rows.
		ins := s.prepared(ctx, s.writer(ctx), `INSERT INTO imported (source, kind, wp_id, local_id, import_id, made) VALUES ($1, $2, $3, $4, $5, $6)`)
		for _, t := range things {
			if _, err := ins.ExecContext(ctx, source, t.Kind, t.WPID, t.LocalID, importID, t.Made); err != nil {
				return fmt.Errorf("store: record imported: %w", err)
			}
		}
		return nil
	}
	for len(things) > 0 {
		n := min(len(things), importRows)
		var b strings.Builder
		args := make([]any, 0, n*6)
		b.WriteString(`INSERT INTO imported (source, kind, wp_id, local_id, import_id, made) VALUES `)
		for i, t := range things[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			k := len(args)
			fmt.Fprintf(&b, "($%d, $%d, $%d, $%d, $%d, $%d)", k+1, k+2, k+3, k+4, k+5, k+6)
			args = append(args, source, t.Kind, t.WPID, t.LocalID, importID, t.Made)
		}
		if _, err := s.writer(ctx).ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("store: record imported: %w", err)
		}
		things = things[n:]
	}
	return nil
}

// AddOldLinks keeps the old site's addresses of what an import brought. An
// address already known keeps what it led to first.
func (s *Store) AddOldLinks(ctx context.Context, importID int64, links []model.OldLink) error {
	if s.db.Dialect == database.SQLite {
		ins := s.prepared(ctx, s.writer(ctx), `INSERT INTO old_links (path, story_id, section_id, import_id) VALUES ($1, $2, $3, $4)
			ON CONFLICT (path) DO NOTHING`)
		for _, l := range links {
			if _, err := ins.ExecContext(ctx, l.Path, nullID(l.StoryID), nullID(l.SectionID), importID); err != nil {
				return fmt.Errorf("store: old links: %w", err)
			}
		}
		return nil
	}
	for len(links) > 0 {
		n := min(len(links), importRows)
		var b strings.Builder
		args := make([]any, 0, n*4)
		b.WriteString(`INSERT INTO old_links (path, story_id, section_id, import_id) VALUES `)
		for i, l := range links[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			k := len(args)
			fmt.Fprintf(&b, "($%d, $%d, $%d, $%d)", k+1, k+2, k+3, k+4)
			args = append(args, l.Path, nullID(l.StoryID), nullID(l.SectionID), importID)
		}
		b.WriteString(` ON CONFLICT (path) DO NOTHING`)
		if _, err := s.writer(ctx).ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("store: old links: %w", err)
		}
		links = links[n:]
	}
	return nil
}

// OldLink returns what an old address leads to, or a not-found error.
func (s *Store) OldLink(ctx context.Context, path string) (*model.OldLink, error) {
	var story, section sql.NullInt64
	err := s.reader(ctx).QueryRowContext(ctx, `SELECT story_id, section_id FROM old_links WHERE path = $1`, path).Scan(&story, &section)
	if err != nil {
		return nil, notFound(err, "page")
	}
	return &model.OldLink{Path: path, StoryID: story.Int64, SectionID: section.Int64}, nil
}

// UndoImport removes, a batch at a time (each its own transaction, so the
// site keeps serving), what an import run made: its comments, its stories
// with their comments, the sections it made that no story uses any more,
// its old addresses and its record of them (of a section it only used, the
// record alone). It returns how many stories it
// removed.
func (s *Store) UndoImport(ctx context.Context, importID int64, batch int) (int, error) {
	removed := 0
	for _, kind := range []string{model.ImportedComment, model.ImportedStory, model.ImportedSection} {
		for {
			// A section that was here before the import (made false) stays.
			ids, err := s.ids(ctx, `SELECT local_id FROM imported WHERE import_id = $1 AND kind = $2 AND made ORDER BY local_id LIMIT $3`,
				[]any{importID, kind, batch})
			if err != nil {
				return removed, fmt.Errorf("store: undo import %d: %w", importID, err)
			}
			if len(ids) == 0 {
				break
			}
			err = s.write(ctx, func(ctx context.Context, q querier) error {
				args := make([]any, 0, len(ids)+2)
				for _, id := range ids {
					args = append(args, id)
				}
				in := placeholders(1, len(ids))
				var stmts []string
				switch kind {
				case model.ImportedComment:
					stmts = []string{`DELETE FROM comments WHERE id IN (` + in + `)`}
				case model.ImportedStory:
					stmts = []string{`DELETE FROM comments WHERE story_id IN (` + in + `)`, `DELETE FROM stories WHERE id IN (` + in + `)`}
				case model.ImportedSection:
					// A section the import made stays if stories of the site
					// were filed in it since.
					stmts = []string{`DELETE FROM sections WHERE id IN (` + in + `) AND NOT EXISTS (SELECT 1 FROM stories WHERE section_id = sections.id)`}
				}
				for _, st := range stmts {
					if _, err := q.ExecContext(ctx, st, args...); err != nil {
						return err
					}
				}
				args = append(args, importID, kind)
				_, err := q.ExecContext(ctx, fmt.Sprintf(`DELETE FROM imported WHERE local_id IN (%s) AND import_id = $%d AND kind = $%d`,
					in, len(ids)+1, len(ids)+2), args...)
				return err
			})
			if err != nil {
				return removed, fmt.Errorf("store: undo import %d: %ss: %w", importID, kind, err)
			}
			if kind == model.ImportedStory {
				removed += len(ids)
			}
		}
	}
	for _, q := range []string{`DELETE FROM old_links WHERE import_id = $1`, `DELETE FROM imported WHERE import_id = $1`} {
		if _, err := s.db.Write.ExecContext(ctx, q, importID); err != nil {
			return removed, fmt.Errorf("store: undo import %d: %w", importID, err)
		}
	}
	return removed, nil
}
