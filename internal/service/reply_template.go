package service

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/confide/confide/internal/model"
)

// ReplyTemplateStore is what reply templates need of the database.
type ReplyTemplateStore interface {
	ReplyTemplates(ctx context.Context, userID int64) ([]model.ReplyTemplate, error)
	SaveReplyTemplate(ctx context.Context, t *model.ReplyTemplate) error
	DeleteReplyTemplate(ctx context.Context, userID, id int64) error
}

// ReplyTemplates returns an advisor's own templates.
func (s *Service) ReplyTemplates(ctx context.Context, userID int64) ([]model.ReplyTemplate, error) {
	return s.store.ReplyTemplates(ctx, userID)
}

// SaveReplyTemplate keeps a template for its advisor; a name used again
// replaces that template.
func (s *Service) SaveReplyTemplate(ctx context.Context, userID int64, name, body string) (*model.ReplyTemplate, error) {
	t := &model.ReplyTemplate{UserID: userID, Name: oneLine(strings.TrimSpace(name)), Body: strings.TrimSpace(body), UpdatedAt: s.Now()}
	fields := map[string]model.Msg{}
	if n := utf8.RuneCountInString(t.Name); n < 1 || n > 80 {
		fields["name"] = model.M("reply_template.name_1_80_characters")
	}
	if n := utf8.RuneCountInString(t.Body); n < 1 || n > 20000 {
		fields["body"] = model.M("reply_template.text_1_20_000")
	}
	if len(fields) > 0 {
		return nil, &model.Error{Code: model.EINVALID, Message: "comment_post.check_fields_marked_below", Fields: fields}
	}
	return t, s.store.SaveReplyTemplate(ctx, t)
}

// DeleteReplyTemplate removes one of an advisor's templates.
func (s *Service) DeleteReplyTemplate(ctx context.Context, userID, id int64) error {
	return s.store.DeleteReplyTemplate(ctx, userID, id)
}

// ReplyTemplate returns one of an advisor's templates; another advisor's
// is not found.
func (s *Service) ReplyTemplate(ctx context.Context, userID, id int64) (*model.ReplyTemplate, error) {
	for _, t := range s.BuiltinReplyTemplates(ctx) {
		if t.ID == id {
			return &t, nil
		}
	}
	list, err := s.store.ReplyTemplates(ctx, userID)
	if err != nil {
		return nil, err
	}
	for i := range list {
		if list[i].ID == id {
			return &list[i], nil
		}
	}
	return nil, model.ErrNotFound
}

// Built-in templates have negative ids; every advisor has them and nobody
// can delete them.
const crisisTemplateID = -1

// The crisis reply (messages template.crisis and its name) is written for
// Confide along the safe-messaging guidance: it thanks, takes the pain
// seriously, is honest that replies take days, names the next step (a
// crisis line today), asks the writer to tell one person, and promises to
// write again.

// BuiltinReplyTemplates are the templates every advisor has: the crisis
// reply.
func (s *Service) BuiltinReplyTemplates(ctx context.Context) []model.ReplyTemplate {
	l := s.lang(ctx)
	return []model.ReplyTemplate{{ID: crisisTemplateID, Name: l.Text("template.crisis_name"),
		Body: l.Text("template.crisis", "Help", s.opts.BaseURL+"/help")}}
}
