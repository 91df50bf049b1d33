package store

import (
	"context"
	"fmt"

	"github.com/confide/confide/internal/model"
)

// ReplyTemplates returns an advisor's reply templates by name.
func (s *Store) ReplyTemplates(ctx context.Context, userID int64) ([]model.ReplyTemplate, error) {
	rows, err := s.reader(ctx).QueryContext(ctx, `SELECT id, user_id, name, body, updated_at FROM reply_templates
		WHERE user_id = $1 ORDER BY name, id`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: reply templates: %w", err)
	}
	defer rows.Close()
	var out []model.ReplyTemplate
	for rows.Next() {
		var t model.ReplyTemplate
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, &t.Body, &t.UpdatedAt); err != nil {
			return nil, fmt.Errorf("store: reply templates: %w", err)
		}
		t.UpdatedAt = t.UpdatedAt.UTC()
		out = append(out, t)
	}
	return out, rows.Err()
}

// SaveReplyTemplate stores a template by its owner and name: a name used
// again replaces that template's text.
func (s *Store) SaveReplyTemplate(ctx context.Context, t *model.ReplyTemplate) error {
	err := s.InTx(ctx, func(ctx context.Context) error {
		return s.writer(ctx).QueryRowContext(ctx, `INSERT INTO reply_templates (user_id, name, body, updated_at)
			VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, name) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at
			RETURNING id`, t.UserID, t.Name, t.Body, ts(t.UpdatedAt)).Scan(&t.ID)
	})
	if err != nil {
		return fmt.Errorf("store: save reply template: %w", err)
	}
	return nil
}

// DeleteReplyTemplate removes one of an advisor's templates.
func (s *Store) DeleteReplyTemplate(ctx context.Context, userID, id int64) error {
	err := s.InTx(ctx, func(ctx context.Context) error {
		return oneRow(s.writer(ctx).ExecContext(ctx, `DELETE FROM reply_templates WHERE id = $1 AND user_id = $2`, id, userID))
	})
	if err != nil {
		return fmt.Errorf("store: delete reply template %d: %w", id, err)
	}
	return nil
}
