package store

import (
	"context"
	"fmt"

	"github.com/confide/confide/internal/model"
)

// Helplines returns the lines admins added, by country.
func (s *Store) Helplines(ctx context.Context) ([]model.Helpline, error) {
	rows, err := s.reader(ctx).QueryContext(ctx, `SELECT id, country, name, service, phone, contact, web, hours, source, checked
		FROM helplines ORDER BY country, id`)
	if err != nil {
		return nil, fmt.Errorf("store: helplines: %w", err)
	}
	defer rows.Close()
	var out []model.Helpline
	for rows.Next() {
		var h model.Helpline
		if err := rows.Scan(&h.ID, &h.Country, &h.CountryName, &h.Service, &h.Phone, &h.Contact, &h.Web, &h.Hours, &h.Source, &h.Checked); err != nil {
			return nil, fmt.Errorf("store: helplines: %w", err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// AddHelpline stores an admin's line and sets its ID.
func (s *Store) AddHelpline(ctx context.Context, h *model.Helpline) error {
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		return q.QueryRowContext(ctx, `INSERT INTO helplines (country, name, service, phone, contact, web, hours, source, checked, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, h.Country, h.CountryName, h.Service, h.Phone, h.Contact,
			h.Web, h.Hours, h.Source, h.Checked, ts(h.CreatedAt)).Scan(&h.ID)
	})
	if err != nil {
		return fmt.Errorf("store: add helpline: %w", err)
	}
	return nil
}

// DeleteHelpline removes an admin's line.
func (s *Store) DeleteHelpline(ctx context.Context, id int64) error {
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		return oneRow(q.ExecContext(ctx, `DELETE FROM helplines WHERE id = $1`, id))
	})
	if err != nil {
		return fmt.Errorf("store: delete helpline %d: %w", id, err)
	}
	return nil
}
