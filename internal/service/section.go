package service

import (
	"context"
	"strings"

	"github.com/confide/confide/internal/markup"
	"github.com/confide/confide/internal/model"
)

// SectionInput is what the section form sends.
type SectionInput struct {
	Name, Slug, Description string
}

func (in *SectionInput) check() error {
	in.Name, in.Description = strings.TrimSpace(in.Name), strings.TrimSpace(in.Description)
	fields := map[string]model.Msg{}
	if in.Name == "" {
		fields["name"] = model.M("account.name_required")
	} else if len(in.Name) > 80 {
		fields["name"] = model.M("section.keep_name_under_80")
	}
	if len(in.Description) > 500 {
		fields["description"] = model.M("section.keep_description_under_500")
	}
	if len(fields) > 0 {
		return &model.Error{Code: model.EINVALID, Message: "section.correct_section", Fields: fields}
	}
	return nil
}

// CreateSection adds a section at the end of the list.
func (s *Service) CreateSection(ctx context.Context, actor int64, in SectionInput) (*model.Section, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	sec := &model.Section{Name: in.Name, Description: in.Description}
	if in.Slug != "" {
		sec.Slug = markup.Slugify(in.Slug)
	}
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		secs, err := s.store.Sections(ctx)
		if err != nil {
			return err
		}
		sec.Position = len(secs) + 1
		if err := s.AddSection(ctx, sec); err != nil {
			return err
		}
		return s.audit(ctx, actor, "section.create", sec.Name)
	})
	if err != nil {
		return nil, err
	}
	return sec, nil
}

// Section returns one section.
func (s *Service) Section(ctx context.Context, id int64) (*model.Section, error) {
	return s.store.SectionByID(ctx, id)
}

// UpdateSection renames and describes a section. Changing its address
// breaks links to the old one, so it changes only when asked.
func (s *Service) UpdateSection(ctx context.Context, actor, id int64, in SectionInput) (*model.Section, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	var sec *model.Section
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if sec, err = s.store.SectionByID(ctx, id); err != nil {
			return err
		}
		sec.Name, sec.Description = in.Name, in.Description
		if in.Slug != "" {
			sec.Slug = markup.Slugify(in.Slug)
		}
		if err := s.store.UpdateSection(ctx, sec); err != nil {
			return err
		}
		return s.audit(ctx, actor, "section.update", sec.Name)
	})
	if err != nil {
		return nil, err
	}
	return sec, nil
}

// MoveSection moves a section one place up (delta -1) or down (+1) in the
// order readers see, renumbering every position so they stay 1…n.
func (s *Service) MoveSection(ctx context.Context, actor, id int64, delta int) error {
	return s.store.InTx(ctx, func(ctx context.Context) error {
		secs, err := s.store.Sections(ctx)
		if err != nil {
			return err
		}
		at := -1
		for i := range secs {
			if secs[i].ID == id {
				at = i
			}
		}
		if at < 0 {
			return model.ErrNotFound
		}
		to := at + delta
		if to < 0 || to >= len(secs) || (delta != -1 && delta != 1) {
			return nil // already first or last: nothing to do
		}
		secs[at], secs[to] = secs[to], secs[at]
		for i := range secs {
			if secs[i].Position != i+1 {
				secs[i].Position = i + 1
				if err := s.store.UpdateSection(ctx, &secs[i]); err != nil {
					return err
				}
			}
		}
		return s.audit(ctx, actor, "section.move", secs[to].Name)
	})
}
