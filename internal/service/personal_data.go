package service

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/spam"
)

// PersonalDataStore is what exports and erasures by address need.
type PersonalDataStore interface {
	CommentsByEmail(ctx context.Context, email string) ([]model.Comment, error)
	SubscriptionsByEmail(ctx context.Context, email string) ([]model.PersonalSubscription, error)
	MailsTo(ctx context.Context, email string) ([]model.OutboxMessage, error)
	EraseCommenter(ctx context.Context, email string) (int64, error)
}

// PersonalData is everything the site holds about one e-mail address.
type PersonalData struct {
	Email         string                       `json:"email"`
	Letters       []PersonalLetter             `json:"letters"`
	Comments      []PersonalComment            `json:"comments"`
	Subscriptions []model.PersonalSubscription `json:"subscriptions"`
	Mails         []PersonalMail               `json:"mails"`
}

// PersonalLetter is a letter in an export, with what its writer and the
// advisors wrote to them (internal notes are the advisors', not the
// writer's data about themselves, and stay out).
type PersonalLetter struct {
	Title, Body, Name, Consent, Status string
	Sent                               time.Time
	Messages                           []PersonalMessage
}

// PersonalMessage is one message of a letter's thread in an export.
type PersonalMessage struct {
	From string // "you" or "advisor"
	Body string
	At   time.Time
}

// PersonalComment is a comment in an export.
type PersonalComment struct {
	Story, Name, Body, Status string
	At                        time.Time
}

// PersonalMail is a mail sent to the address.
type PersonalMail struct {
	Subject, Status string
	At              time.Time
}

func cleanAddress(email string) (string, error) {
	email = strings.TrimSpace(email)
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
		return "", &model.Error{Code: model.EINVALID, Message: "letter_share.check_address",
			Fields: map[string]model.Msg{"email": model.M("comment_post.enter_address_like_name")}}
	}
	return spam.NormalizeEmail(email), nil
}

// ExportPerson gathers everything held about an address, for an admin
// answering a request. It is audited without the address.
func (s *Service) ExportPerson(ctx context.Context, actor int64, email string) (*PersonalData, error) {
	email, err := cleanAddress(email)
	if err != nil {
		return nil, err
	}
	d := &PersonalData{Email: email, Letters: []PersonalLetter{}, Comments: []PersonalComment{}, Mails: []PersonalMail{}}
	letters, err := s.store.LettersByEmail(ctx, email, 1000)
	if err != nil {
		return nil, err
	}
	for _, l := range letters {
		msgs, err := s.store.LetterMessages(ctx, l.ID, false)
		if err != nil {
			return nil, err
		}
		pl := PersonalLetter{Title: l.Title, Body: l.Body, Name: l.WriterName, Consent: l.Consent, Status: l.Status, Sent: l.CreatedAt}
		for _, m := range msgs {
			from := "you"
			if m.Kind == model.MessageReply {
				from = "advisor"
			}
			pl.Messages = append(pl.Messages, PersonalMessage{From: from, Body: m.Body, At: m.CreatedAt})
		}
		d.Letters = append(d.Letters, pl)
	}
	comments, err := s.store.CommentsByEmail(ctx, email)
	if err != nil {
		return nil, err
	}
	for _, c := range comments {
		d.Comments = append(d.Comments, PersonalComment{Story: c.StorySlug, Name: c.AuthorName, Body: c.Body, Status: c.Status, At: c.CreatedAt})
	}
	if d.Subscriptions, err = s.store.SubscriptionsByEmail(ctx, email); err != nil {
		return nil, err
	}
	mails, err := s.store.MailsTo(ctx, email)
	if err != nil {
		return nil, err
	}
	for _, m := range mails {
		d.Mails = append(d.Mails, PersonalMail{Subject: m.Subject, Status: m.Status, At: m.CreatedAt})
	}
	err = s.Audit(ctx, actor, "privacy.export", fmt.Sprintf("%d letters, %d comments, %d subscriptions, %d mails",
		len(d.Letters), len(d.Comments), len(d.Subscriptions), len(d.Mails)))
	return d, err
}

// Erased says what an erasure by address removed.
type Erased struct {
	Letters  int
	Comments int64
}

// ErasePerson erases everything held about an address in one step: its
// letters as a withdrawal does, its comments, subscriptions and mail. It
// is audited without the address.
func (s *Service) ErasePerson(ctx context.Context, actor int64, email string) (Erased, error) {
	email, err := cleanAddress(email)
	if err != nil {
		return Erased{}, err
	}
	var e Erased
	letters, err := s.store.LettersByEmail(ctx, email, 1000)
	if err != nil {
		return e, err
	}
	for _, l := range letters {
		th, err := s.AdminLetter(ctx, l.ID)
		if err != nil {
			return e, err
		}
		if err := s.eraseLetter(ctx, th, false); err != nil {
			return e, err
		}
		e.Letters++
	}
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if e.Comments, err = s.store.EraseCommenter(ctx, email); err != nil {
			return err
		}
		if err := s.store.EraseMailTo(ctx, email); err != nil {
			return err
		}
		if err := s.store.MarkScrub(ctx); err != nil {
			return err
		}
		return s.audit(ctx, actor, "privacy.erase", fmt.Sprintf("%d letters, %d comments", e.Letters, e.Comments))
	})
	return e, err
}

// eraseLinkAge is how long a "delete my comments" link works.
const eraseLinkAge = 48 * time.Hour

// RequestCommentErasure mails a commenter a link that deletes every comment
// they wrote with that address. The answer is the same whether or not the
// address wrote any, and one address gets at most a few such mails a day.
func (s *Service) RequestCommentErasure(ctx context.Context, email string, v Visitor) error {
	email, err := cleanAddress(email)
	if err != nil {
		return err
	}
	a, err := s.AntiSpamSettings(ctx)
	if err != nil {
		return err
	}
	if err := s.checkVisitor(ctx, AntiSpam{Trap: a.Trap, Captcha: a.Captcha, Limits: true}, v, email, "erase"); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(ctx context.Context) error {
		n, err := s.store.Hit(ctx, "erase-mail:"+spam.HashEmail(s.opts.Secret, email), s.Now().Truncate(24*time.Hour))
		if err != nil || n > lostLinkLimit {
			return err
		}
		comments, err := s.store.CommentsByEmail(ctx, email)
		if err != nil {
			return err
		}
		subs, err := s.store.SubscriptionsByEmail(ctx, email)
		if err != nil || len(comments)+len(subs) == 0 {
			return err
		}
		text := s.lang(ctx).Text("mail.erase", "Count", len(comments), "Link", s.opts.BaseURL+"/comments/erase/confirm?k="+s.eraseToken(email))
		_, err = s.QueueMail(ctx, email, "", s.discreetSubject(ctx, "mail.erase_subject"), text, "")
		return err
	})
}

func (s *Service) eraseToken(email string) string {
	value := email + "|" + strconv.FormatInt(s.Now().Add(eraseLinkAge).Unix(), 10)
	return base64.RawURLEncoding.EncodeToString([]byte(spam.SignValue(s.opts.Secret, "erase-comments", value)))
}

// openEraseToken returns the address of a good, unexpired erase link.
func (s *Service) openEraseToken(token string) (string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err == nil {
		if value, ok := spam.OpenValue(s.opts.Secret, "erase-comments", string(raw)); ok {
			email, until, _ := strings.Cut(value, "|")
			if u, err := strconv.ParseInt(until, 10, 64); err == nil && s.Now().Unix() <= u {
				return email, nil
			}
		}
	}
	return "", model.Errorf(model.EFORBIDDEN, "personal_data.link_not_valid_any")
}

// CheckEraseLink reports whether an erase link is good, before the
// commenter confirms.
func (s *Service) CheckEraseLink(token string) error {
	_, err := s.openEraseToken(token)
	return err
}

// EraseMyComments deletes the comments of the address a good link names,
// its subscriptions and its mail, and returns how many comments went.
func (s *Service) EraseMyComments(ctx context.Context, token string) (int64, error) {
	email, err := s.openEraseToken(token)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if n, err = s.store.EraseCommenter(ctx, email); err != nil {
			return err
		}
		if err := s.store.EraseMailTo(ctx, email); err != nil {
			return err
		}
		if err := s.store.MarkScrub(ctx); err != nil {
			return err
		}
		return s.audit(ctx, 0, "privacy.erase-comments", fmt.Sprintf("%d comments, by the commenter's link", n))
	})
	return n, err
}
