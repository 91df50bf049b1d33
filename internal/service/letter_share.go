package service

import (
	"context"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/spam"
)

// What /share says around its form: whether letters are open, and how long
// replies usually take.

// Setting keys of the letters' pause.
const (
	settingLettersPaused = "letters_paused"
	settingPauseMessage  = "letters_pause_message"
)

// DefaultPauseMessage is what /share says while letters are paused, unless
// an admin wrote their own.
const DefaultPauseMessage = "Our advisors are taking a short break, and we cannot take new letters just now. " +
	"Please come back in a few days. If you need someone to talk to now, the crisis lines below are there for you."

// ShareState is what the share page needs to know.
type ShareState struct {
	Paused       bool
	PauseMessage string
	// MedianReply is the median time to a first reply over the last 30
	// days; zero when too few letters were answered to say.
	MedianReply time.Duration
}

// ShareInfo returns whether letters are open and the recent median reply
// time.
func (s *Service) ShareInfo(ctx context.Context) (ShareState, error) {
	m, err := s.store.Settings(ctx)
	if err != nil {
		return ShareState{}, err
	}
	st := ShareState{Paused: m[settingLettersPaused] == "on", PauseMessage: m[settingPauseMessage]}
	if st.PauseMessage == "" {
		st.PauseMessage = DefaultPauseMessage
	}
	st.MedianReply, err = s.MedianReply(ctx)
	return st, err
}

// MedianReply is the median time to a first reply of the letters of the
// last 30 days, or zero with fewer than 5 answered.
func (s *Service) MedianReply(ctx context.Context) (time.Duration, error) {
	waits, err := s.store.ReplyWaits(ctx, s.Now().Add(-30*24*time.Hour))
	if err != nil || len(waits) < 5 {
		return 0, err
	}
	slices.Sort(waits)
	return waits[len(waits)/2], nil
}

// SetLettersPaused pauses or resumes new letters, with the message /share
// shows meanwhile.
func (s *Service) SetLettersPaused(ctx context.Context, actor int64, paused bool, message string) error {
	message = strings.TrimSpace(message)
	if len(message) > 2000 {
		return &model.Error{Code: model.EINVALID, Message: "Please keep the message under 2,000 characters.",
			Fields: map[string]string{"message": "Under 2,000 characters."}}
	}
	v := "off"
	if paused {
		v = "on"
	}
	return s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.SetSetting(ctx, settingLettersPaused, v); err != nil {
			return err
		}
		if err := s.store.SetSetting(ctx, settingPauseMessage, message); err != nil {
			return err
		}
		return s.audit(ctx, actor, "letters.pause", v)
	})
}

var errLettersPaused = model.Errorf(model.EFORBIDDEN, "We cannot take new letters just now. Your letter is kept below so you can copy it; please come back in a few days.")

// lostLinkLimit is how many link mails one address gets a day: a stranger's
// address typed into the form must not flood its inbox.
const lostLinkLimit = 1

// ResendLinks e-mails the links of the letters sent from an address. It
// answers the same whether or not the address is known, so the form tells
// nobody who wrote to us; an address gets at most one such mail a day.
func (s *Service) ResendLinks(ctx context.Context, email string, v Visitor) error {
	email = strings.TrimSpace(email)
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
		return &model.Error{Code: model.EINVALID, Message: "Please check the address.",
			Fields: map[string]string{"email": "Enter an address like name@example.org."}}
	}
	email = spam.NormalizeEmail(email)
	a, err := s.AntiSpamSettings(ctx)
	if err != nil {
		return err
	}
	if err := s.checkVisitor(ctx, AntiSpam{Trap: a.Trap, Captcha: a.Captcha, Limits: true}, v, email, "lost-link"); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(ctx context.Context) error {
		n, err := s.store.Hit(ctx, "lost-link-mail:"+spam.HashEmail(s.opts.Secret, email), s.Now().Truncate(24*time.Hour))
		if err != nil || n > lostLinkLimit {
			return err
		}
		letters, err := s.store.LettersByEmail(ctx, email, 20)
		if err != nil || len(letters) == 0 {
			return err
		}
		var b strings.Builder
		b.WriteString("Hello,\n\nYou asked for the links to your private pages. Here they are:\n\n")
		for _, l := range letters {
			fmt.Fprintf(&b, "Sent %s:\n%s\n\n", l.CreatedAt.Format("2 January 2006"), s.letterURL(spam.LinkSecret(s.opts.Secret, l.LinkSalt)))
		}
		b.WriteString("If you did not ask for this, you can ignore this e-mail.\n")
		_, err = s.QueueMail(ctx, email, "", s.discreetSubject(ctx, "Your links on"), b.String(), "")
		return err
	})
}
