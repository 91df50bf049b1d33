package service

import (
	"context"
	"fmt"
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
	for _, t := range s.BuiltinReplyTemplates() {
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

// crisisReply is the site's crisis reply, written for Confide along the
// safe-messaging guidance: it thanks, takes the pain seriously, is honest
// that replies take days, names the next step (a crisis line today), asks
// the writer to tell one person, and promises to write again.
const crisisReply = `Dear …,

Thank you for trusting us with this. What you wrote tells me you are in a great deal of pain right now, and I am really glad you reached out.

I want to be honest with you about one thing: we are a small site, and our replies take time. When thoughts of ending your life are this close, you deserve someone who can talk with you today. Please contact a crisis line now. The people there are trained for exactly this, it is free, and you do not have to explain everything at once. You will find the numbers for your country at the top of our help page: %s/help

If you feel you might act on these thoughts, please call your emergency number now, or go to the nearest emergency department.

If you can, tell one person near you how you are feeling tonight: a friend, someone in your family, a neighbour. You do not have to carry this alone until we write again.

I will write to you again soon. You can write back on your private page at any time, and I will read it.

With care,
…`

// BuiltinReplyTemplates are the templates every advisor has: the crisis
// reply.
func (s *Service) BuiltinReplyTemplates() []model.ReplyTemplate {
	return []model.ReplyTemplate{{ID: crisisTemplateID, Name: "Crisis reply (built in)", Body: fmt.Sprintf(crisisReply, s.opts.BaseURL)}}
}
