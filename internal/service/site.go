package service

import (
	"context"
	"strings"

	"github.com/confide/confide/internal/i18n"
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
		model.SettingLanguage:     &out.Language,
	} {
		// A stored empty value is the admin's choice (no tagline, say); only
		// the site's name may never be empty.
		if v, ok := m[key]; ok && (key != model.SettingSiteName || strings.TrimSpace(v) != "") {
			*dst = v
		}
	}
	if !i18n.Known(out.Language) {
		out.Language = i18n.Default
	}
	// The texts an admin has not written yet are the defaults of the
	// site's language.
	l := i18n.Get(out.Language)
	for key, dst := range map[string]*string{
		model.SettingTagline:     &out.Tagline,
		model.SettingMission:     &out.Mission,
		model.SettingAdvisorName: &out.AdvisorName,
		model.SettingFooter:      &out.Footer,
	} {
		if _, ok := m[key]; !ok {
			*dst = l.Text("settings.default." + key)
		}
	}
	return out, nil
}

// lang is the language the site writes in.
func (s *Service) lang(ctx context.Context) *i18n.Lang {
	site, err := s.SiteSettings(ctx)
	if err != nil {
		return i18n.Get(i18n.Default)
	}
	return i18n.Get(site.Language)
}

// EditablePages are the pages admins edit; until they do, each shows a
// text of the site's language (messages page.SLUG.title and .body).
var EditablePages = map[string]bool{"about": true, "privacy": true}

// Page returns an editable page, or its default text while no admin has
// written one. Unknown slugs are not found.
func (s *Service) Page(ctx context.Context, slug string) (*model.Page, error) {
	if !EditablePages[slug] {
		return nil, model.ErrNotFound
	}
	l := s.lang(ctx)
	def := model.Page{Slug: slug, Title: l.Text("page." + slug + ".title"), Body: l.Text("page." + slug + ".body")}
	p, err := s.store.PageBySlug(ctx, slug)
	if model.ErrorCode(err) == model.ENOTFOUND {
		return &def, nil
	}
	return p, err
}

// SavePage stores an editable page.
func (s *Service) SavePage(ctx context.Context, p *model.Page) error {
	if !EditablePages[p.Slug] {
		return model.ErrNotFound
	}
	if strings.TrimSpace(p.Title) == "" {
		return &model.Error{Code: model.EINVALID, Message: "site.give_page_title",
			Fields: map[string]model.Msg{"title": model.M("site.title_required")}}
	}
	if p.UpdatedAt.IsZero() {
		p.UpdatedAt = s.Now()
	}
	return s.store.SavePage(ctx, p)
}
