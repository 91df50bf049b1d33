package service

import (
	"context"
	"strings"

	"github.com/confide/confide/internal/model"
)

// SiteSettings returns the site's settings, with defaults for whatever the
// database does not hold.
func (s *Service) SiteSettings(ctx context.Context) (model.Settings, error) {
	m, err := s.store.Settings(ctx)
	if err != nil {
		return model.Settings{}, err
	}
	out := model.DefaultSettings()
	for key, dst := range map[string]*string{
		model.SettingSiteName:     &out.SiteName,
		model.SettingTagline:      &out.Tagline,
		model.SettingMission:      &out.Mission,
		model.SettingAdvisorName:  &out.AdvisorName,
		model.SettingSignature:    &out.Signature,
		model.SettingQuickExitURL: &out.QuickExitURL,
		model.SettingRetention:    &out.LetterRetention,
		model.SettingFooter:       &out.Footer,
		model.SettingContactEmail: &out.ContactEmail,
		model.SettingTwoFactor:    &out.TwoFactor,
	} {
		// A stored empty value is the admin's choice (no tagline, say); only
		// the site's name may never be empty.
		if v, ok := m[key]; ok && (key != model.SettingSiteName || strings.TrimSpace(v) != "") {
			*dst = v
		}
	}
	return out, nil
}

// EditablePages are the pages admins edit, with the text shown until they do.
var EditablePages = map[string]model.Page{
	"about": {Slug: "about", Title: "About this site", Body: "This site is a place to share what weighs on you " +
		"and to read the stories of others who have felt the same.\n\nAn advisor reads every letter and answers " +
		"with care. Readers add their support in the comments."},
	"privacy": {Slug: "privacy", Title: "Privacy", Body: "We keep only what we need to run this site. Letters are " +
		"published only with the writer's consent, and names can be changed or left out.\n\nCommenters' e-mail " +
		"addresses are never shown."},
}

// Page returns an editable page, or its default text while no admin has
// written one. Unknown slugs are not found.
func (s *Service) Page(ctx context.Context, slug string) (*model.Page, error) {
	def, ok := EditablePages[slug]
	if !ok {
		return nil, model.ErrNotFound
	}
	p, err := s.store.PageBySlug(ctx, slug)
	if model.ErrorCode(err) == model.ENOTFOUND {
		return &def, nil
	}
	return p, err
}

// SavePage stores an editable page.
func (s *Service) SavePage(ctx context.Context, p *model.Page) error {
	if _, ok := EditablePages[p.Slug]; !ok {
		return model.ErrNotFound
	}
	if strings.TrimSpace(p.Title) == "" {
		return &model.Error{Code: model.EINVALID, Message: "Please give the page a title.",
			Fields: map[string]string{"title": "A title is required."}}
	}
	if p.UpdatedAt.IsZero() {
		p.UpdatedAt = s.Now()
	}
	return s.store.SavePage(ctx, p)
}
