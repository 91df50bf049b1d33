package service

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/confide/confide/internal/helplines"
	"github.com/confide/confide/internal/model"
)

// HelplineStore is what the helpline directory needs of the database.
type HelplineStore interface {
	Helplines(ctx context.Context) ([]model.Helpline, error)
	AddHelpline(ctx context.Context, h *model.Helpline) error
	DeleteHelpline(ctx context.Context, id int64) error
}

var builtinHelplines = helplines.Builtin()

// HelplineDirectory returns the crisis lines the site shows: the built-in
// directory with the admins' lines (which replace a country's built-in
// ones).
func (s *Service) HelplineDirectory(ctx context.Context) (*helplines.Directory, error) {
	own, err := s.store.Helplines(ctx)
	if err != nil {
		return nil, err
	}
	var extra []helplines.Line
	for _, h := range own {
		extra = append(extra, helplines.Line{Country: h.Country, CountryName: h.CountryName, Service: h.Service, Phone: h.Phone,
			Text: h.Contact, Web: h.Web, Hours: h.Hours, Sources: h.Source, Checked: h.Checked})
	}
	return builtinHelplines.WithOverrides(extra, nil), nil
}

// CustomHelplines returns the lines admins added.
func (s *Service) CustomHelplines(ctx context.Context) ([]model.Helpline, error) {
	return s.store.Helplines(ctx)
}

// AddHelpline adds an admin's crisis line; it must say where it was
// confirmed. It is audited.
func (s *Service) AddHelpline(ctx context.Context, actor int64, h model.Helpline) error {
	h.Country = strings.ToUpper(strings.TrimSpace(h.Country))
	for _, f := range []*string{&h.CountryName, &h.Service, &h.Phone, &h.Contact, &h.Web, &h.Hours, &h.Source, &h.Checked} {
		*f = oneLine(strings.TrimSpace(*f))
	}
	fields := map[string]model.Msg{}
	if len(h.Country) != 2 || strings.IndexFunc(h.Country, func(r rune) bool { return r < 'A' || r > 'Z' }) >= 0 {
		fields["country"] = model.M("helpline.two_letters_country_s")
	}
	for name, v := range map[string]string{"country_name": h.CountryName, "service": h.Service, "phone": h.Phone, "source": h.Source} {
		if v == "" {
			fields[name] = model.M("helpline.required")
		}
	}
	for name, v := range map[string]string{"country_name": h.CountryName, "service": h.Service, "phone": h.Phone, "contact": h.Contact,
		"web": h.Web, "hours": h.Hours, "source": h.Source, "checked": h.Checked} {
		if utf8.RuneCountInString(v) > 200 {
			fields[name] = model.M("helpline.up_to_200")
		}
	}
	if len(fields) > 0 {
		return &model.Error{Code: model.EINVALID, Message: "comment_post.check_fields_marked_below", Fields: fields}
	}
	if h.Checked == "" {
		h.Checked = s.Now().Format("2006-01")
	}
	h.CreatedAt = s.Now()
	return s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.AddHelpline(ctx, &h); err != nil {
			return err
		}
		return s.audit(ctx, actor, "helpline.add", fmt.Sprintf("%s: %s, %s", h.Country, h.Service, h.Phone))
	})
}

// DeleteHelpline removes an admin's line; audited.
func (s *Service) DeleteHelpline(ctx context.Context, actor, id int64) error {
	return s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.DeleteHelpline(ctx, id); err != nil {
			return err
		}
		return s.audit(ctx, actor, "helpline.delete", fmt.Sprintf("line %d", id))
	})
}
