package store

import (
	"context"
	"fmt"

	"github.com/confide/confide/internal/model"
)

// CreateSection inserts a section and sets its ID.
func (s *Store) CreateSection(ctx context.Context, sec *model.Section) error {
	if sec.CreatedAt.IsZero() {
		return fmt.Errorf("store: create section %q: CreatedAt not set", sec.Slug)
	}
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		return q.QueryRowContext(ctx, `INSERT INTO sections (slug, name, description, position, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			sec.Slug, sec.Name, sec.Description, sec.Position, ts(sec.CreatedAt)).Scan(&sec.ID)
	})
	if isUniqueViolation(err) {
		return &model.Error{Code: model.ECONFLICT, Message: "section.section_with_address_already", Err: err}
	}
	if err != nil {
		return fmt.Errorf("store: create section %q: %w", sec.Slug, err)
	}
	return nil
}

// Sections lists every section in display order with its count of published
// stories.
func (s *Store) Sections(ctx context.Context) ([]model.Section, error) {
	rows, err := s.reader(ctx).QueryContext(ctx, `SELECT sec.id, sec.slug, sec.name, sec.description, sec.position, sec.created_at,
			COALESCE((SELECT n FROM counters WHERE name = 'section:' || sec.id || ':published'), 0)
		FROM sections sec ORDER BY sec.position, sec.name`)
	if err != nil {
		return nil, fmt.Errorf("store: sections: %w", err)
	}
	defer rows.Close()
	var out []model.Section
	for rows.Next() {
		var sec model.Section
		if err := rows.Scan(&sec.ID, &sec.Slug, &sec.Name, &sec.Description, &sec.Position, &sec.CreatedAt, &sec.StoryCount); err != nil {
			return nil, fmt.Errorf("store: sections: %w", err)
		}
		sec.CreatedAt = sec.CreatedAt.UTC()
		out = append(out, sec)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: sections: %w", err)
	}
	return out, nil
}

// SectionBySlug returns one section, or a not-found error.
func (s *Store) SectionBySlug(ctx context.Context, slug string) (*model.Section, error) {
	var sec model.Section
	err := s.reader(ctx).QueryRowContext(ctx, `SELECT id, slug, name, description, position, created_at
		FROM sections WHERE slug = $1`, slug).
		Scan(&sec.ID, &sec.Slug, &sec.Name, &sec.Description, &sec.Position, &sec.CreatedAt)
	if err != nil {
		return nil, fmt.Errorf("store: section %q: %w", slug, notFound(err, "section"))
	}
	sec.CreatedAt = sec.CreatedAt.UTC()
	return &sec, nil
}

// SectionByID returns one section.
func (s *Store) SectionByID(ctx context.Context, id int64) (*model.Section, error) {
	var sec model.Section
	err := s.reader(ctx).QueryRowContext(ctx, `SELECT id, slug, name, description, position, created_at
		FROM sections WHERE id = $1`, id).
		Scan(&sec.ID, &sec.Slug, &sec.Name, &sec.Description, &sec.Position, &sec.CreatedAt)
	if err != nil {
		return nil, fmt.Errorf("store: section %d: %w", id, notFound(err, "section"))
	}
	sec.CreatedAt = sec.CreatedAt.UTC()
	return &sec, nil
}

// UpdateSection writes a section's slug, name, description and position.
func (s *Store) UpdateSection(ctx context.Context, sec *model.Section) error {
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		res, err := q.ExecContext(ctx, `UPDATE sections SET slug = $1, name = $2, description = $3, position = $4 WHERE id = $5`,
			sec.Slug, sec.Name, sec.Description, sec.Position, sec.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.ErrNotFound
		}
		return nil
	})
	if isUniqueViolation(err) {
		return &model.Error{Code: model.ECONFLICT, Message: "section.section_with_address_already",
			Fields: map[string]model.Msg{"slug": model.M("section.address_taken")}, Err: err}
	}
	if err != nil {
		return fmt.Errorf("store: update section %d: %w", sec.ID, err)
	}
	return nil
}
