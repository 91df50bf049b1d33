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
	fields := map[string]string{}
	if n := utf8.RuneCountInString(t.Name); n < 1 || n > 80 {
		fields["name"] = "A name of 1 to 80 characters."
	}
	if n := utf8.RuneCountInString(t.Body); n < 1 || n > 20000 {
		fields["body"] = "A text of 1 to 20,000 characters."
	}
	if len(fields) > 0 {
		return nil, &model.Error{Code: model.EINVALID, Message: "Please check the fields marked below.", Fields: fields}
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
