package service

import (
	"context"
	"crypto/rand"
	"encoding/hex"

	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/confide/confide/internal/model"
)

// Mailer sends one message. internal/mail implements it over SMTP.
type Mailer interface {
	Send(ctx context.Context, m model.OutboxMessage) error
}

// Outbox delivery: a claimed message is leased for mailLease; after
// MailMaxAttempts failures it is given up; waits double from
// Options.MailRetryBase up to mailMaxWait.
const (
	mailLease       = 2 * time.Minute
	MailMaxAttempts = 10
	mailMaxWait     = 6 * time.Hour
)

// oneLine removes CR and LF, so no text can start a header of its own.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\r' || r == '\n' }), " ")
}

// QueueMail writes a message to the outbox in the caller's transaction (or
// one of its own). Header fields are cleaned of line breaks, so text from a
// visitor can never add a header; the address must be a plain address.
func (s *Service) QueueMail(ctx context.Context, to, toName, subject, text, html string) (*model.OutboxMessage, error) {
	return s.queueMail(ctx, to, toName, subject, text, html, "")
}

// queueMail is QueueMail with a one-click unsubscribe URL, for mail a reader
// asked for.
func (s *Service) queueMail(ctx context.Context, to, toName, subject, text, html, unsubscribe string) (*model.OutboxMessage, error) {
	to = strings.TrimSpace(to)
	if a, err := mail.ParseAddress(to); err != nil || a.Address != to || strings.ContainsAny(to, "\r\n") {
		return nil, &model.Error{Code: model.EINVALID, Message: "mail.e_mail_address_not",
			Fields: map[string]model.Msg{"email": model.M("comment_post.enter_address_like_name")}}
	}
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	m := &model.OutboxMessage{To: to, ToName: oneLine(toName), Subject: oneLine(subject), Text: text, HTML: html,
		MessageID: "<" + hex.EncodeToString(b) + "@" + s.mailDomain() + ">", CreatedAt: s.Now(),
		Unsubscribe: oneLine(unsubscribe)}
	err := s.store.InTx(ctx, func(ctx context.Context) error { return s.store.EnqueueMail(ctx, m) })
	if err != nil {
		return nil, err
	}
	return m, nil
}

func (s *Service) mailDomain() string {
	u, err := url.Parse(s.opts.BaseURL)
	if err != nil || u.Hostname() == "" {
		return "confide.local"
	}
	return u.Hostname()
}

// DeliverDue sends up to limit due messages through m. A message that fails
// waits longer each time and is given up after MailMaxAttempts. Each message
// is claimed under a lease before sending and marked right after, so several
// workers (on several instances) never send one message twice; only a crash
// between the server's acceptance and the mark could, and then the same
// Message-ID lets the receiver recognise it. The send itself is not
// interrupted when ctx is cancelled: a stopping worker finishes and records
// the message in hand.
func (s *Service) DeliverDue(ctx context.Context, m Mailer, limit int) (sent int, err error) {
	if ctx.Err() != nil {
		return 0, nil
	}
	// The claim is never cut short by a stop: a claim committed while the
	// stop cancelled the call would leave its messages leased to nobody.
	batch, err := s.store.ClaimMail(context.WithoutCancel(ctx), s.Now(), mailLease, limit)
	if err != nil {
		return 0, err
	}
	for i, msg := range batch {
		if ctx.Err() != nil {
			// Stopping: hand the rest back at once instead of waiting for the lease.
			for _, rest := range batch[i:] {
				if err := s.store.MarkMailFailed(context.WithoutCancel(ctx), rest.ID, s.Now(), "worker stopped before sending", false); err != nil {
					return sent, err
				}
			}
			return sent, nil
		}
		sendCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		serr := m.Send(sendCtx, msg)
		cancel()
		markCtx := context.WithoutCancel(ctx)
		if serr == nil {
			if err := s.store.MarkMailSent(markCtx, msg.ID, s.Now()); err != nil {
				return sent, err
			}
			sent++
			continue
		}
		wait := s.opts.MailRetryBase << (msg.Attempts - 1)
		if wait > mailMaxWait || wait <= 0 {
			wait = mailMaxWait
		}
		final := msg.Attempts >= MailMaxAttempts
		if err := s.store.MarkMailFailed(markCtx, msg.ID, s.Now().Add(wait), truncate(serr.Error(), 500), final); err != nil {
			return sent, err
		}
	}
	return sent, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// OutboxPage lists the outbox for admins, newest first.
func (s *Service) OutboxPage(ctx context.Context, page int) ([]model.OutboxMessage, model.Pagination, error) {
	const size = 50
	if page < 1 {
		return nil, model.Pagination{}, model.ErrNotFound
	}
	list, total, err := s.store.Outbox(ctx, size, (page-1)*size)
	if err != nil {
		return nil, model.Pagination{}, err
	}
	p, err := paginate(page, size, total)
	return list, p, err
}

// OutboxMessage returns one message, for admins to read when no SMTP server
// is configured.
func (s *Service) OutboxMessage(ctx context.Context, id int64) (*model.OutboxMessage, error) {
	return s.store.OutboxMessage(ctx, id)
}
