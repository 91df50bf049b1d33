package service

import (
	"context"
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
		// What /share says while letters are paused, unless an admin
		// wrote their own.
		st.PauseMessage = s.lang(ctx).Text("share.paused")
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
		return &model.Error{Code: model.EINVALID, Message: "letter_share.keep_message_under_2",
			Fields: map[string]model.Msg{"message": model.M("letter_share.under_2_000_characters")}}
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

var errLettersPaused = model.Errorf(model.EFORBIDDEN, "letter_share.cannot_take_new_letters")

// lostLinkLimit is how many link mails one address gets a day: a stranger's
// address typed into the form must not flood its inbox.
const lostLinkLimit = 1

// ResendLinks e-mails the links of the letters sent from an address. It
// answers the same whether or not the address is known, so the form tells
// nobody who wrote to us; an address gets at most one such mail a day.
func (s *Service) ResendLinks(ctx context.Context, email string, v Visitor) error {
	email = strings.TrimSpace(email)
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
		return &model.Error{Code: model.EINVALID, Message: "letter_share.check_address",
			Fields: map[string]model.Msg{"email": model.M("comment_post.enter_address_like_name")}}
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
		lang := s.lang(ctx)
		var links strings.Builder
		for _, l := range letters {
			links.WriteString(lang.Text("mail.links_one", "Date", lang.Date(l.CreatedAt), "Link", s.letterURL(spam.LinkSecret(s.opts.Secret, l.LinkSalt))))
		}
		_, err = s.QueueMail(ctx, email, "", s.discreetSubject(ctx, "mail.links_subject"), lang.Text("mail.links", "Links", links.String()), "")
		return err
	})
}
