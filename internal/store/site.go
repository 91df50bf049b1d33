package store

import (
	"context"
	"fmt"

	"github.com/confide/confide/internal/model"
)

// Settings returns every stored setting by key.
func (s *Store) Settings(ctx context.Context) (map[string]string, error) {
	rows, err := s.reader(ctx).QueryContext(ctx, `SELECT key, value FROM settings`)
	if err != nil {
		return nil, fmt.Errorf("store: settings: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("store: settings: %w", err)
		}
		out[k] = v
	}
	return out, rows.Err()
}

// SetSetting stores one setting, replacing its old value.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		_, err := q.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: set setting %q: %w", key, err)
	}
	return nil
}

// PageBySlug returns one editable page, or a not-found error.
func (s *Store) PageBySlug(ctx context.Context, slug string) (*model.Page, error) {
	var p model.Page
	err := s.reader(ctx).QueryRowContext(ctx, `SELECT slug, title, body, updated_at FROM pages WHERE slug = $1`, slug).
		Scan(&p.Slug, &p.Title, &p.Body, &p.UpdatedAt)
	if err != nil {
		return nil, fmt.Errorf("store: page %q: %w", slug, notFound(err, "page"))
	}
	p.UpdatedAt = p.UpdatedAt.UTC()
	return &p, nil
}

// SavePage creates or replaces an editable page.
func (s *Store) SavePage(ctx context.Context, p *model.Page) error {
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		_, err := q.ExecContext(ctx, `INSERT INTO pages (slug, title, body, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (slug) DO UPDATE SET title = excluded.title, body = excluded.body, updated_at = excluded.updated_at`,
			p.Slug, p.Title, p.Body, ts(p.UpdatedAt))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: save page %q: %w", p.Slug, err)
	}
	return nil
}
