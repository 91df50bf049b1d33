package service

import (
	"context"
	"net/mail"
	"net/url"
	"strconv"
	"strings"

	"github.com/confide/confide/internal/i18n"
	"github.com/confide/confide/internal/model"
)

// SettingsInput is what the settings form sends.
type SettingsInput = model.Settings

// UpdateSettings checks and stores the site's settings in one transaction.
func (s *Service) UpdateSettings(ctx context.Context, actor int64, in SettingsInput) error {
	fields := map[string]model.Msg{}
	for _, f := range []*string{&in.SiteName, &in.Tagline, &in.Mission, &in.AdvisorName, &in.Signature, &in.Footer, &in.ContactEmail, &in.QuickExitURL, &in.LetterRetention} {
		*f = strings.TrimSpace(*f)
	}
	if in.SiteName == "" {
		fields["site_name"] = model.M("site_edit.site_needs_name")
	}
	for name, v := range map[string]string{"site_name": in.SiteName, "tagline": in.Tagline, "advisor_name": in.AdvisorName} {
		if len(v) > 100 {
			fields[name] = model.M("site_edit.under_100")
		}
	}
	if len(in.Mission) > 1000 || len(in.Footer) > 1000 || len(in.Signature) > 300 {
		fields["mission"] = model.M("site_edit.keep_texts_short_mission")
	}
	if in.ContactEmail != "" {
		if a, err := mail.ParseAddress(in.ContactEmail); err != nil || a.Address != in.ContactEmail {
			fields["contact_email"] = model.M("site_edit.enter_e_mail_address")
		}
	}
	if in.QuickExitURL == "" {
		in.QuickExitURL = model.DefaultSettings().QuickExitURL
	} else if u, err := url.Parse(in.QuickExitURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		fields["quick_exit_url"] = model.M("site_edit.enter_full_address_neutral")
	}
	if in.LetterRetention == "" {
		in.LetterRetention = model.DefaultSettings().LetterRetention
	} else if n, err := strconv.Atoi(in.LetterRetention); err != nil || n < 0 || n > 120 {
		fields["letter_retention_months"] = model.M("site_edit.number_months_from_0")
	}
	switch in.TwoFactor {
	case "":
		in.TwoFactor = model.TwoFactorAll
	case model.TwoFactorAll, model.TwoFactorNotModerators:
	case model.TwoFactorOff:
		// Only a demo site is seeded without it; keeping it off is allowed
		// there, turning it off anywhere is not.
		if cur, err := s.SiteSettings(ctx); err != nil {
			return err
		} else if cur.TwoFactor != model.TwoFactorOff {
			fields["two_factor"] = model.M("site_edit.two_factor_login_stays")
		}
	default:
		fields["two_factor"] = model.M("site_edit.choose_who_must_use")
	}
	cur, err := s.SiteSettings(ctx)
	if err != nil {
		return err
	}
	switch {
	case in.Language == "":
		in.Language = cur.Language
	case !i18n.Known(in.Language):
		fields["language"] = model.M("site_edit.choose_language")
	case in.Language != cur.Language:
		// A text still as the old language wrote it by default becomes the
		// new language's default; what an admin wrote stays.
		was, now := i18n.Get(cur.Language), i18n.Get(in.Language)
		for key, f := range map[string]*string{model.SettingTagline: &in.Tagline, model.SettingMission: &in.Mission,
			model.SettingAdvisorName: &in.AdvisorName, model.SettingFooter: &in.Footer} {
			if *f == was.Text("settings.default."+key) {
				*f = now.Text("settings.default." + key)
			}
		}
	}
	if len(fields) > 0 {
		return &model.Error{Code: model.EINVALID, Message: "site_edit.correct_settings", Fields: fields}
	}
	return s.store.InTx(ctx, func(ctx context.Context) error {
		for k, v := range map[string]string{
			model.SettingSiteName: in.SiteName, model.SettingTagline: in.Tagline, model.SettingMission: in.Mission,
			model.SettingAdvisorName: in.AdvisorName, model.SettingSignature: in.Signature, model.SettingFooter: in.Footer,
			model.SettingContactEmail: in.ContactEmail, model.SettingQuickExitURL: in.QuickExitURL, model.SettingRetention: in.LetterRetention,
			model.SettingTwoFactor: in.TwoFactor, model.SettingLanguage: in.Language,
		} {
			if err := s.store.SetSetting(ctx, k, v); err != nil {
				return err
			}
		}
		return s.audit(ctx, actor, "settings.update", "")
	})
}

// EditPage stores an editable page (/about, /privacy) and records who did.
func (s *Service) EditPage(ctx context.Context, actor int64, p *model.Page) error {
	p.Title, p.Body = strings.TrimSpace(p.Title), strings.TrimSpace(p.Body)
	p.UpdatedAt = s.Now()
	return s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.SavePage(ctx, p); err != nil {
			return err
		}
		return s.audit(ctx, actor, "page.update", p.Slug)
	})
}
