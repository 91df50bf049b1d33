package service

import (
	"context"
	"fmt"

	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/spam"
)

// SeedStory is one story to load, with its section named by slug and its
// comments.
type SeedStory struct {
	Story       model.Story
	SectionSlug string
	Comments    []model.Comment
}

// Seed is a whole site's content: sections, stories with comments, settings.
type Seed struct {
	Sections []model.Section
	Stories  []SeedStory
	Settings map[string]string
	Pages    []model.Page
	Letters  []model.Letter // waiting in the advisors' inbox; their writers' links are never shown
}

// SeedIfEmpty loads seed in one transaction when the site has no section
// yet, and does nothing otherwise, so loading twice never duplicates
// anything. It reports whether it loaded.
func (s *Service) SeedIfEmpty(ctx context.Context, seed Seed) (bool, error) {
	loaded := false
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		existing, err := s.store.Sections(ctx)
		if err != nil {
			return err
		}
		if len(existing) > 0 {
			return nil
		}
		ids := map[string]int64{}
		for i := range seed.Sections {
			sec := seed.Sections[i]
			if err := s.AddSection(ctx, &sec); err != nil {
				return fmt.Errorf("seed: section %q: %w", sec.Name, err)
			}
			ids[sec.Slug] = sec.ID
		}
		for _, ss := range seed.Stories {
			st := ss.Story
			id, ok := ids[ss.SectionSlug]
			if !ok {
				return fmt.Errorf("seed: story %q: unknown section %q", st.Title, ss.SectionSlug)
			}
			st.SectionID = id
			if err := s.AddStory(ctx, &st); err != nil {
				return fmt.Errorf("seed: story %q: %w", st.Title, err)
			}
			for _, c := range ss.Comments {
				c.StoryID = st.ID
				if err := s.AddComment(ctx, &c); err != nil {
					return fmt.Errorf("seed: comment on %q: %w", st.Title, err)
				}
			}
		}
		for k, v := range seed.Settings {
			if err := s.store.SetSetting(ctx, k, v); err != nil {
				return err
			}
		}
		for i := range seed.Pages {
			if err := s.SavePage(ctx, &seed.Pages[i]); err != nil {
				return err
			}
		}
		for _, l := range seed.Letters {
			l.LinkSalt = newToken()
			l.TokenHash = hashToken(spam.LinkSecret(s.opts.Secret, l.LinkSalt))
			if l.Status == "" {
				l.Status = model.LetterNew
			}
			if err := s.store.CreateLetter(ctx, &l); err != nil {
				return fmt.Errorf("seed: letter %q: %w", l.Title, err)
			}
		}
		loaded = true
		return nil
	})
	return loaded, err
}
