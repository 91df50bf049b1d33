package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/confide/confide/internal/model"
)

// SearchStoriesSimple finds published stories that contain every word, in the
// title, letter or reply, newest first. It is a plain substring match that
// scans the table: a stop-gap until ranked full-text search lands.
func (s *Store) SearchStoriesSimple(ctx context.Context, words []string, sectionID int64, limit, offset int) ([]model.Story, int, error) {
	cond := []string{"s.status = 'published'"}
	var args []any
	for _, w := range words {
		args = append(args, "%"+likeEscape(strings.ToLower(w))+"%")
		n := len(args)
		cond = append(cond, fmt.Sprintf(`(lower(s.title) LIKE $%d ESCAPE '\' OR lower(s.letter) LIKE $%d ESCAPE '\' OR lower(s.reply) LIKE $%d ESCAPE '\')`, n, n, n))
	}
	if sectionID != 0 {
		args = append(args, sectionID)
		cond = append(cond, fmt.Sprintf("s.section_id = $%d", len(args)))
	}
	where := " WHERE " + strings.Join(cond, " AND ")
	var total int
	if err := s.reader(ctx).QueryRowContext(ctx, `SELECT count(*) FROM stories s`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: search count: %w", err)
	}
	args = append(args, limit, offset)
	rows, err := s.reader(ctx).QueryContext(ctx, listColumns+storyFrom+where+
		fmt.Sprintf(" ORDER BY s.published_at DESC, s.id DESC LIMIT $%d OFFSET $%d", len(args)-1, len(args)), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: search: %w", err)
	}
	defer rows.Close()
	var out []model.Story
	for rows.Next() {
		st, err := scanStory(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("store: search: %w", err)
		}
		out = append(out, st)
	}
	return out, total, rows.Err()
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
