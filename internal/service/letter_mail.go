package service

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/confide/confide/internal/mailin"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/spam"
)

// MailInStore is what letters by e-mail need of the database.
type MailInStore interface {
	MailInByKey(ctx context.Context, key string) (*model.MailIn, error)
	MailInByMessageID(ctx context.Context, id string) (*model.MailIn, error)
	RecordMailIn(ctx context.Context, m *model.MailIn) error
	FailedMail(ctx context.Context, limit int) ([]model.MailIn, error)
	AddLetterMailID(ctx context.Context, messageID string, letterID int64, at time.Time) error
	LetterByMailID(ctx context.Context, messageID string) (int64, error)
	TakeLease(ctx context.Context, name, holder string, now, until time.Time) (bool, error)
	DropLease(ctx context.Context, name, holder string) error
}

// mailWriter queues a discreet mail to a letter's writer ("<what> <site
// name>" as its subject) and remembers its Message-ID: an e-mail answer
// to it joins the letter's thread.
func (s *Service) mailWriter(ctx context.Context, l *model.Letter, what, text string) error {
	m, err := s.QueueMail(ctx, l.WriterEmail, "", s.discreetSubject(ctx, what), text, "")
	if err != nil {
		return err
	}
	return s.store.AddLetterMailID(ctx, strings.Trim(m.MessageID, "<>"), l.ID, s.Now())
}

// The longest message the worker reads; longer ones stay unread, noted.
const MaxMailSize = 25 << 20

// ReceiveMail handles one message of the letters' mailbox; key names it
// there (UIDVALIDITY and UID). An answer to a mail we sent a writer (its
// In-Reply-To or References name our random Message-ID) joins that
// letter's thread; other mail from a person becomes a new letter, through
// the same anti-spam layers as /share, and its writer gets the link to
// their thread (at most one such mail a day for one address, so a forged
// sender cannot turn the site into a source of backscatter). Machine-sent
// mail is recorded and never answered. A message is turned into a letter
// in the same transaction that records it, so it never becomes two.
//
// seen tells the mail worker to flag the message \Seen (it was handled,
// now or before); a message that could not be read (or raw is nil: it is
// over MaxMailSize) is recorded for the admins and stays unread.
func (s *Service) ReceiveMail(ctx context.Context, key string, size int64, raw []byte) (seen bool, err error) {
	if len(s.opts.Secret) == 0 {
		return false, errNoSecret
	}
	prev, err := s.store.MailInByKey(ctx, key)
	if err != nil {
		return false, err
	}
	if prev != nil && prev.Outcome != model.MailInFailed {
		return true, nil // handled before the worker could flag it
	}
	rec := &model.MailIn{MailboxKey: key, Size: size, ReceivedAt: s.Now()}
	if raw == nil || len(raw) > MaxMailSize {
		rec.Outcome, rec.Detail = model.MailInFailed, fmt.Sprintf("too large to read (%d MB)", size>>20)
		return false, s.store.RecordMailIn(ctx, rec)
	}
	m, err := mailin.Parse(raw)
	if err != nil {
		if !errors.Is(err, mailin.ErrMalformed) {
			return false, err
		}
		rec.Outcome, rec.Detail, rec.MessageID = model.MailInFailed, err.Error(), mailin.MessageIDOf(raw)
		return false, s.store.RecordMailIn(ctx, rec)
	}
	rec.MessageID = m.MessageID
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if dup, err := s.store.MailInByMessageID(ctx, m.MessageID); err != nil {
			return err
		} else if dup != nil {
			rec.Outcome, rec.Detail, rec.LetterID = model.MailInIgnored, "a copy of a message received before", dup.LetterID
			return s.store.RecordMailIn(ctx, rec)
		}
		if m.Automatic != "" {
			rec.Outcome, rec.Detail = model.MailInIgnored, m.Automatic
			return s.store.RecordMailIn(ctx, rec)
		}
		if l, err := s.answeredLetter(ctx, m); err != nil {
			return err
		} else if l != nil {
			return s.followUpByMail(ctx, rec, l, m)
		}
		return s.letterByMail(ctx, rec, m)
	})
	return err == nil, err
}

// answeredLetter returns the letter whose mail m answers, or nil. Only
// our own random Message-IDs count: never the sender's address.
func (s *Service) answeredLetter(ctx context.Context, m *mailin.Message) (*model.Letter, error) {
	for _, id := range m.Answers {
		letterID, err := s.store.LetterByMailID(ctx, id)
		if err != nil {
			return nil, err
		}
		if letterID == 0 {
			continue
		}
		l, err := s.store.LetterByID(ctx, letterID)
		if model.ErrorCode(err) == model.ENOTFOUND {
			continue
		}
		return l, err
	}
	return nil, nil
}

func (s *Service) followUpByMail(ctx context.Context, rec *model.MailIn, l *model.Letter, m *mailin.Message) error {
	rec.LetterID = l.ID
	body := mailText(m)
	if l.Status == model.LetterWithdrawn || body == "" {
		rec.Outcome, rec.Detail = model.MailInIgnored, "an answer to a withdrawn letter, or empty"
		return s.store.RecordMailIn(ctx, rec)
	}
	if err := s.addFollowUp(ctx, l, body); err != nil {
		return err
	}
	if len(m.Attachments) > 0 {
		note := s.lang(ctx).Text("mail.note_attachments", "Names", strings.Join(m.Attachments, ", "))
		if err := s.store.AddLetterMessage(ctx, &model.LetterMessage{LetterID: l.ID, Kind: model.MessageNote, Body: note, CreatedAt: s.Now()}); err != nil {
			return err
		}
	}
	rec.Outcome = model.MailInFollowUp
	return s.store.RecordMailIn(ctx, rec)
}

func (s *Service) letterByMail(ctx context.Context, rec *model.MailIn, m *mailin.Message) error {
	body := mailText(m)
	if body == "" {
		rec.Outcome, rec.Detail = model.MailInIgnored, "no text"
		return s.store.RecordMailIn(ctx, rec)
	}
	a, err := s.AntiSpamSettings(ctx)
	if err != nil {
		return err
	}
	now := s.Now()
	if a.Limits {
		key := "letter:email:" + spam.HashEmail(s.opts.Secret, m.From)
		for _, l := range rateLimits {
			n, err := s.store.Hit(ctx, key+":"+l.Window.String(), now.Truncate(l.Window))
			if err != nil {
				return err
			}
			if n > l.Max {
				rec.Outcome, rec.Detail = model.MailInIgnored, "too many messages from this sender"
				return s.store.RecordMailIn(ctx, rec)
			}
		}
	}
	title := strings.TrimSpace(m.Subject)
	if utf8.RuneCountInString(title) > LetterTitleMax {
		title = string([]rune(title)[:LetterTitleMax])
	}
	name := m.FromName
	if utf8.RuneCountInString(name) > NameMaxLength {
		name = ""
	}
	v, err := s.checkText(ctx, AntiSpam{Rules: a.Rules, Links: a.Links, Score: a.Score, MaxLinks: max(a.MaxLinks, 5)},
		name, title+"\n"+body, m.From, netip.Addr{})
	if err != nil {
		return err
	}
	if v.refuse {
		rec.Outcome, rec.Detail = model.MailInIgnored, "refused by a block rule"
		return s.store.RecordMailIn(ctx, rec)
	}
	salt := newToken()
	token := spam.LinkSecret(s.opts.Secret, salt)
	// By e-mail nobody chose to publish: a private reply only, until the
	// writer says otherwise on their page.
	l := &model.Letter{Title: title, Body: body, WriterName: name, WriterEmail: spam.NormalizeEmail(m.From),
		Consent: model.ConsentPrivate, Status: model.LetterNew, HeldReason: strings.Join(v.hold, "; "),
		LinkSalt: salt, TokenHash: hashToken(token), CreatedAt: now, UpdatedAt: now}
	alert := s.assessLetter(l, title+"\n"+body)
	if err := s.store.CreateLetter(ctx, l); err != nil {
		return err
	}
	if alert {
		if err := s.alertAdvisors(ctx, l); err != nil {
			return err
		}
	}
	lang := s.lang(ctx)
	note := lang.Text("mail.note_by_mail")
	if len(m.Attachments) > 0 {
		note += " " + lang.Text("mail.note_attachments", "Names", strings.Join(m.Attachments, ", "))
	}
	if utf8.RuneCountInString(cleanBody(m.Text)) > LetterMaxLength {
		note += " " + lang.Text("mail.note_too_long")
	}
	if err := s.store.AddLetterMessage(ctx, &model.LetterMessage{LetterID: l.ID, Kind: model.MessageNote, Body: note, CreatedAt: now}); err != nil {
		return err
	}
	rec.Outcome, rec.LetterID = model.MailInLetter, l.ID
	if err := s.store.RecordMailIn(ctx, rec); err != nil {
		return err
	}
	// One link mail a day for one address: a forged sender gets at most
	// that, never a stream.
	n, err := s.store.Hit(ctx, "mail-link:"+spam.HashEmail(s.opts.Secret, l.WriterEmail), now.Truncate(24*time.Hour))
	if err != nil {
		return err
	}
	if n <= 1 {
		text := s.lang(ctx).Text("mail.letter_link_mail", "Name", greetingName(l.WriterName), "Link", s.letterURL(token))
		if err := s.mailWriter(ctx, l, "mail.letter_subject", text); err != nil {
			return err
		}
	}
	return s.tellStaff(ctx, l, "mail.staff_new_subject", "mail.staff_new_mail")
}

// mailText is the person's words of a message, as a letter keeps them.
func mailText(m *mailin.Message) string {
	body := cleanBody(m.Text)
	if utf8.RuneCountInString(body) > LetterMaxLength {
		body = string([]rune(body)[:LetterMaxLength])
	}
	return body
}

// FailedMail lists the messages of the letters' mailbox that could not be
// read; they stay unread there.
func (s *Service) FailedMail(ctx context.Context) ([]model.MailIn, error) {
	return s.store.FailedMail(ctx, 50)
}

// TakeLease gives holder the named lease for d (or renews it), when no
// other instance holds it; see the mail worker.
func (s *Service) TakeLease(ctx context.Context, name, holder string, d time.Duration) (bool, error) {
	now := s.Now()
	return s.store.TakeLease(ctx, name, holder, now, now.Add(d))
}

// DropLease gives the lease up.
func (s *Service) DropLease(ctx context.Context, name, holder string) error {
	return s.store.DropLease(ctx, name, holder)
}
