package service

import (
	"context"
	"fmt"
	"strings"

	"github.com/confide/confide/internal/crisis"
	"github.com/confide/confide/internal/model"
)

// riskPriority is the inbox priority a risk tier gives a letter at least:
// high letters are urgent, medium ones high, so both lead every
// advisor's inbox.
var riskPriority = map[crisis.Tier]int{crisis.High: 3, crisis.Medium: 2, crisis.Low: 1}

// Risk reads a text with the crisis detector (English lists).
func (s *Service) Risk(text string) crisis.Result { return crisis.English().Detect(text) }

// assessLetter reads text (the letter, or the writer's latest message)
// and raises the letter's tier and priority when it reads as more
// urgent; it never lowers them (an advisor does). It reports whether the
// letter became medium or high just now: advisors are then alerted.
func (s *Service) assessLetter(l *model.Letter, text string) (alert bool) {
	r := s.Risk(text)
	if int(r.Tier) <= l.RiskTier {
		return false
	}
	was := crisis.Tier(l.RiskTier)
	l.RiskTier, l.RiskWhy = int(r.Tier), strings.Join(r.Why(), "; ")
	l.Priority = max(l.Priority, riskPriority[r.Tier])
	return r.Tier >= crisis.Medium && was < crisis.Medium
}

// alertAdvisors tells every advisor at once, through the outbox, that a
// letter may need someone urgently. Like every staff mail it is discreet:
// no words of the letter, only its link in the admin area.
func (s *Service) alertAdvisors(ctx context.Context, l *model.Letter) error {
	users, err := s.store.Users(ctx)
	if err != nil {
		return err
	}
	lang := s.lang(ctx)
	text := lang.Text("mail.urgent", "Tier", lang.Text("risk."+crisis.Tier(l.RiskTier).String()), "Link", fmt.Sprintf("%s/admin/letters/%d", s.opts.BaseURL, l.ID))
	for _, u := range users {
		if !u.Role.Can(model.PermLetters) || u.Disabled() {
			continue
		}
		if _, err := s.QueueMail(ctx, u.Email, u.Name, s.discreetSubject(ctx, "mail.urgent_subject"), text, ""); err != nil {
			return err
		}
	}
	return nil
}

// SetLetterRisk is an advisor's judgement of a letter's tier; it is
// audited. The priority follows a raised tier; a lowered one leaves the
// priority for the advisor to set.
func (s *Service) SetLetterRisk(ctx context.Context, actor, id int64, tier string) error {
	t, ok := crisis.ParseTier(tier)
	if !ok {
		return &model.Error{Code: model.EINVALID, Message: "risk.choose_risk_tier", Fields: map[string]model.Msg{"risk": model.M("antispam.choose_one")}}
	}
	return s.store.InTx(ctx, func(ctx context.Context) error {
		l, err := s.store.LetterByID(ctx, id)
		if err != nil {
			return err
		}
		if l.Status == model.LetterWithdrawn {
			return errWithdrawn
		}
		was := crisis.Tier(l.RiskTier)
		if was == t {
			return nil
		}
		l.RiskTier, l.UpdatedAt = int(t), s.Now()
		l.Priority = max(l.Priority, riskPriority[t])
		if err := s.store.UpdateLetter(ctx, l); err != nil {
			return err
		}
		return s.audit(ctx, actor, "letter.risk", fmt.Sprintf("letter %d: %s → %s", id, was, t))
	})
}

// riskHold is why a comment with medium or high risk language is held for
// a moderator: a person who may be at risk is answered by staff first,
// not by strangers. Nothing is refused.
func (s *Service) riskHold(ctx context.Context, r crisis.Result) []string {
	if r.Tier < crisis.Medium {
		return nil
	}
	l := s.lang(ctx)
	return []string{l.Text("held.risk", "Tier", l.Text("risk."+r.Tier.String()), "Why", strings.Join(r.Why(), "; "))}
}

// markContentNote decides whether a story opens with a content note: the
// advisors' choice, or (auto) whether its text touches suicide or
// self-harm. Every write of a story's text goes through it.
func markContentNote(st *model.Story) {
	switch st.ContentNoteMode {
	case model.NoteOn:
		st.ContentNote = true
	case model.NoteOff:
		st.ContentNote = false
	default:
		st.ContentNoteMode = model.NoteAuto
		st.ContentNote = crisis.English().Touches(st.Title + "\n" + st.Letter + "\n" + st.Reply)
	}
}

// ContentNoteStore is what the content-note check of older stories needs.
type ContentNoteStore interface {
	UncheckedStories(ctx context.Context, limit int) ([]model.Story, error)
	SetContentNotes(ctx context.Context, notes map[int64]bool) error
}

// CheckContentNotes decides the content note of up to batch stories written
// before content notes existed, and returns how many it checked; the
// worker calls it until none are left.
func (s *Service) CheckContentNotes(ctx context.Context, batch int) (int, error) {
	list, err := s.store.UncheckedStories(ctx, batch)
	if err != nil || len(list) == 0 {
		return 0, err
	}
	notes := map[int64]bool{}
	for i := range list {
		markContentNote(&list[i])
		notes[list[i].ID] = list[i].ContentNote
	}
	return len(list), s.store.SetContentNotes(ctx, notes)
}
