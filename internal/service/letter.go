package service

import (
	"context"
	"fmt"
	"net/mail"
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/search"
	"github.com/confide/confide/internal/spam"
)

// LetterStore is what letters need of the database.
type LetterStore interface {
	CreateLetter(ctx context.Context, l *model.Letter) error
	LetterByID(ctx context.Context, id int64) (*model.Letter, error)
	LetterByTokenHash(ctx context.Context, hash string) (*model.Letter, error)
	UpdateLetter(ctx context.Context, l *model.Letter) error
	Letters(ctx context.Context, f model.LetterFilter) ([]model.Letter, int, error)
	AddLetterMessage(ctx context.Context, m *model.LetterMessage) error
	LetterMessages(ctx context.Context, letterID int64, withNotes bool) ([]model.LetterMessage, error)
	EraseLetter(ctx context.Context, id int64, at time.Time) error
	EraseMailTo(ctx context.Context, addr string) error
	MarkScrub(ctx context.Context) error
	ScrubErased(ctx context.Context) (bool, error)
	ForgetAddresses(ctx context.Context, before time.Time, batch int) (int64, error)
	OldPrivateLetters(ctx context.Context, before time.Time, limit int) ([]model.Letter, error)
	SetLetterMessageBody(ctx context.Context, id int64, body string) error
	Hits(ctx context.Context, key string, window time.Time) (int64, error)
	LettersByEmail(ctx context.Context, email string, limit int) ([]model.Letter, error)
	ReplyWaits(ctx context.Context, since time.Time) ([]time.Duration, error)
	LetterDraft(ctx context.Context, letterID int64) (*model.LetterDraft, error)
	SaveLetterDraft(ctx context.Context, d *model.LetterDraft, base int64) (bool, error)
	DeleteLetterDraft(ctx context.Context, letterID int64) error
	OldestWaiting(ctx context.Context) (*model.Letter, error)
	SearchLetters(ctx context.Context, q search.Query, limit, offset int) ([]model.Letter, int, error)
}

// Limits of a letter.
const (
	LetterMinLength = 50
	LetterMaxLength = 20000
	LetterTitleMax  = 200
	// guessesPerHour bounds the unknown thread links one address may try.
	guessesPerHour = 20
)

// errWithdrawn refuses a change to a letter its writer withdrew.
var errWithdrawn = model.Errorf(model.EFORBIDDEN, "letter.letter_was_withdrawn")

// LetterInput is the share form.
type LetterInput struct {
	Title     string
	Body      string
	Name      string
	Email     string
	SectionID int64
	Consent   string
	Visitor
}

// SharedLetter is what the writer of a new letter is given: the secret of
// their thread's link (/letters/{Token}).
type SharedLetter struct {
	Letter *model.Letter
	Token  string
}

// ShareLetter checks a letter through the anti-spam layers and stores it
// for the advisors; the writer gets the link to their thread, on the page
// and by e-mail when they gave an address. Staff are told, discreetly.
func (s *Service) ShareLetter(ctx context.Context, in LetterInput) (*SharedLetter, error) {
	l := &model.Letter{Consent: in.Consent, SectionID: in.SectionID, Status: model.LetterNew}
	if err := s.checkLetterFields(ctx, l, in); err != nil {
		return nil, err
	}
	if info, err := s.ShareInfo(ctx); err != nil {
		return nil, err
	} else if info.Paused {
		return nil, errLettersPaused
	}
	a, err := s.AntiSpamSettings(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.checkVisitor(ctx, a, in.Visitor, l.WriterEmail, "letter"); err != nil {
		return nil, err
	}
	// The text layers only say what they saw: a letter is never refused
	// for its words (a person in distress may write anything), except by
	// an admin's explicit "refuse" rule.
	v, err := s.checkText(ctx, AntiSpam{Rules: a.Rules, Links: a.Links, Score: a.Score, MaxLinks: max(a.MaxLinks, 5)},
		l.WriterName, l.Title+"\n"+l.Body, l.WriterEmail, in.Addr)
	if err != nil {
		return nil, err
	}
	if v.refuse {
		return nil, errRefused
	}
	l.HeldReason = strings.Join(v.hold, "; ")
	alert := s.assessLetter(l, l.Title+"\n"+l.Body)
	salt := newToken()
	token := spam.LinkSecret(s.opts.Secret, salt)
	l.LinkSalt, l.TokenHash = salt, hashToken(token)
	l.CreatedAt, l.UpdatedAt = s.Now(), s.Now()
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreateLetter(ctx, l); err != nil {
			return err
		}
		if l.WriterEmail != "" {
			text := s.lang(ctx).Text("mail.letter_link", "Name", greetingName(l.WriterName), "Link", s.letterURL(token))
			if err := s.mailWriter(ctx, l, "mail.letter_subject", text); err != nil {
				return err
			}
		}
		if alert {
			if err := s.alertAdvisors(ctx, l); err != nil {
				return err
			}
		}
		return s.tellStaff(ctx, l, "mail.staff_new_subject", "mail.staff_new")
	})
	if err != nil {
		return nil, err
	}
	return &SharedLetter{Letter: l, Token: token}, nil
}

func greetingName(name string) string {
	if name == "" {
		return ""
	}
	return " " + oneLine(name)
}

func (s *Service) letterURL(token string) string { return s.opts.BaseURL + "/letters/" + token }

// tellStaff e-mails the advisors and admins about a letter: a discreet
// subject and a link, never the letter's words.
func (s *Service) tellStaff(ctx context.Context, l *model.Letter, subject, what string) error {
	users, err := s.store.Users(ctx)
	if err != nil {
		return err
	}
	text := s.lang(ctx).Text("mail.staff", "What", s.lang(ctx).Text(what), "Link", fmt.Sprintf("%s/admin/letters/%d", s.opts.BaseURL, l.ID))
	for _, u := range users {
		if !u.Role.Can(model.PermLetters) || u.Disabled() || (l.AssignedTo != 0 && u.ID != l.AssignedTo && u.Role != model.RoleAdmin) {
			continue
		}
		if _, err := s.QueueMail(ctx, u.Email, u.Name, s.discreetSubject(ctx, subject), text, ""); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) checkLetterFields(ctx context.Context, l *model.Letter, in LetterInput) error {
	fields := map[string]model.Msg{}
	l.Title = oneLine(strings.TrimSpace(in.Title))
	if utf8.RuneCountInString(l.Title) > LetterTitleMax {
		fields["title"] = model.M("letter.keep_title_under_200")
	}
	l.Body = cleanBody(in.Body)
	switch n := utf8.RuneCountInString(l.Body); {
	case n < LetterMinLength:
		fields["body"] = model.M("letter.tell_us_little_more")
	case n > LetterMaxLength:
		fields["body"] = model.M("letter.too_long", "Count", n)
	}
	l.WriterName = strings.TrimSpace(in.Name)
	if utf8.RuneCountInString(l.WriterName) > NameMaxLength || badNameChars(l.WriterName) {
		fields["name"] = model.M("letter.write_name_up_60")
	}
	if email := strings.TrimSpace(in.Email); email != "" {
		if a, err := mail.ParseAddress(email); err != nil || a.Address != email || len(email) > 254 ||
			strings.IndexFunc(email, unicode.IsControl) >= 0 {
			fields["email"] = model.M("letter.enter_address_like_name")
		}
		l.WriterEmail = spam.NormalizeEmail(email)
	}
	if l.Consent != model.ConsentPublish && l.Consent != model.ConsentPrivate {
		fields["consent"] = model.M("letter.choose_whether_may_publish")
	}
	if l.SectionID != 0 {
		if _, err := s.store.SectionByID(ctx, l.SectionID); err != nil {
			if model.ErrorCode(err) != model.ENOTFOUND {
				return err
			}
			l.SectionID = 0
		}
	}
	if len(fields) > 0 {
		return &model.Error{Code: model.EINVALID, Message: "letter.check_fields_marked_below", Fields: fields}
	}
	return nil
}

// LetterThread is a letter with the messages its reader may see.
type LetterThread struct {
	Letter   *model.Letter
	Messages []model.LetterMessage
	// Publication is the copy prepared for publishing, or nil; the writer
	// is given it only once it was shown to them (not while in draft).
	Publication *model.Publication
	StorySlug   string // where the approved copy is published
}

// withPublication adds the letter's copy for publishing to th; forWriter
// leaves out a copy the advisor has not shown yet.
func (s *Service) withPublication(ctx context.Context, th *LetterThread, forWriter bool) (*LetterThread, error) {
	p, err := s.store.Publication(ctx, th.Letter.ID)
	if model.ErrorCode(err) == model.ENOTFOUND {
		return th, nil
	}
	if err != nil {
		return nil, err
	}
	if p.StoryID != 0 {
		st, err := s.store.StoryByID(ctx, p.StoryID)
		if err != nil && model.ErrorCode(err) != model.ENOTFOUND {
			return nil, err
		}
		if err == nil && st.IsPublished() {
			th.StorySlug = st.Slug
		}
	}
	if forWriter && p.State == model.PublicationDraft {
		return th, nil
	}
	th.Publication = p
	return th, nil
}

// OpenLetter returns the thread a writer's link opens. Unknown links are
// not found, and an address that tried many gets no more tries for an
// hour, so links cannot be guessed.
func (s *Service) OpenLetter(ctx context.Context, token string, addr netip.Addr) (*LetterThread, error) {
	key := "letter-miss:" + spam.HashAddr(s.opts.Secret, addr)
	window := s.Now().Truncate(time.Hour)
	if n, err := s.store.Hits(ctx, key, window); err != nil {
		return nil, err
	} else if n >= guessesPerHour {
		return nil, errTooMany
	}
	l, err := s.store.LetterByTokenHash(ctx, hashToken(token))
	if model.ErrorCode(err) == model.ENOTFOUND {
		if _, herr := s.store.Hit(ctx, key, window); herr != nil {
			return nil, herr
		}
		return nil, model.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	msgs, err := s.store.LetterMessages(ctx, l.ID, false)
	if err != nil {
		return nil, err
	}
	return s.withPublication(ctx, &LetterThread{Letter: l, Messages: msgs}, true)
}

// WriteFollowUp adds the writer's message to their thread; the letter
// needs an advisor again.
func (s *Service) WriteFollowUp(ctx context.Context, token, body string, addr netip.Addr) (*model.Letter, error) {
	th, err := s.OpenLetter(ctx, token, addr)
	if err != nil {
		return nil, err
	}
	l := th.Letter
	if l.Status == model.LetterWithdrawn {
		return nil, errWithdrawn
	}
	body = cleanBody(body)
	if n := utf8.RuneCountInString(body); n < 1 || n > LetterMaxLength {
		return nil, &model.Error{Code: model.EINVALID, Message: "letter.write_message_up_20",
			Fields: map[string]model.Msg{"body": model.M("letter.up_20_000_characters")}}
	}
	return l, s.store.InTx(ctx, func(ctx context.Context) error { return s.addFollowUp(ctx, l, body) })
}

// addFollowUp adds the writer's message to the thread, in the caller's
// transaction, and gives the letter back to the advisors.
func (s *Service) addFollowUp(ctx context.Context, l *model.Letter, body string) error {
	if err := s.store.AddLetterMessage(ctx, &model.LetterMessage{LetterID: l.ID, Kind: model.MessageFollowUp,
		Body: body, CreatedAt: s.Now()}); err != nil {
		return err
	}
	l.WriterWrote = s.Now()
	alert := s.assessLetter(l, body)
	if l.Status == model.LetterReplied || l.Status == model.LetterWaiting || l.Status == model.LetterClosed {
		l.Status = model.LetterNew
		if l.AssignedTo != 0 {
			l.Status = model.LetterAssigned
		}
	}
	l.UpdatedAt = s.Now()
	if err := s.store.UpdateLetter(ctx, l); err != nil {
		return err
	}
	if alert {
		if err := s.alertAdvisors(ctx, l); err != nil {
			return err
		}
	}
	return s.tellStaff(ctx, l, "mail.staff_answered_subject", "mail.staff_more")
}

// SetLetterConsent changes what the writer allows.
func (s *Service) SetLetterConsent(ctx context.Context, token, consent string, addr netip.Addr) (*model.Letter, error) {
	th, err := s.OpenLetter(ctx, token, addr)
	if err != nil {
		return nil, err
	}
	l := th.Letter
	if consent != model.ConsentPublish && consent != model.ConsentPrivate {
		return nil, &model.Error{Code: model.EINVALID, Message: "letter.choose_one", Fields: map[string]model.Msg{"consent": model.M("antispam.choose_one")}}
	}
	if l.Status == model.LetterWithdrawn {
		return nil, errWithdrawn
	}
	if consent == l.Consent {
		return l, nil
	}
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		l.Consent, l.UpdatedAt = consent, s.Now()
		if p := th.Publication; consent == model.ConsentPrivate && p != nil {
			// A private reply only: no copy waits for approval, and a
			// published story comes down at once.
			base := p.Version
			p.State, p.UpdatedAt, p.DecidedAt = model.PublicationDeclined, s.Now(), s.Now()
			if _, err := s.store.SavePublication(ctx, p, base); err != nil {
				return err
			}
			if err := s.takeDown(ctx, p.StoryID); err != nil {
				return err
			}
			if l.Status == model.LetterPublished || l.Status == model.LetterWaiting {
				l.Status = model.LetterReplied
			}
		}
		return s.store.UpdateLetter(ctx, l)
	})
	return l, err
}

// WithdrawLetter erases what the writer wrote (the letter, its title, their
// name and e-mail, their follow-ups, the anonymised copy, the passages the
// replies quoted) and closes the
// letter for good. A published story comes down at once (its address
// answers 410), unless keepReply: then the advisor's reply stays
// published alone, without the letter and without quoting it.
func (s *Service) WithdrawLetter(ctx context.Context, token string, keepReply bool, addr netip.Addr) error {
	th, err := s.OpenLetter(ctx, token, addr)
	if err != nil {
		return err
	}
	return s.eraseLetter(ctx, th, keepReply)
}

// eraseLetter erases a letter as a withdrawal does (see WithdrawLetter).
func (s *Service) eraseLetter(ctx context.Context, th *LetterThread, keepReply bool) error {
	// The copy is read whole: withPublication hides a draft from the writer,
	// and a draft holds their words too.
	p, err := s.store.Publication(ctx, th.Letter.ID)
	if err != nil && model.ErrorCode(err) != model.ENOTFOUND {
		return err
	}
	return s.store.InTx(ctx, func(ctx context.Context) error {
		if p != nil {
			if err := s.store.ErasePublication(ctx, p.LetterID, s.Now()); err != nil {
				return err
			}
			var err error
			if keepReply && th.StorySlug != "" {
				err = s.keepReplyOnly(ctx, p.StoryID)
			} else {
				err = s.takeDown(ctx, p.StoryID)
			}
			if err != nil {
				return err
			}
		}
		// The reply being drafted may quote the letter; mail to the writer
		// holds their address and name.
		if err := s.store.DeleteLetterDraft(ctx, th.Letter.ID); err != nil {
			return err
		}
		if th.Letter.WriterEmail != "" {
			if err := s.store.EraseMailTo(ctx, th.Letter.WriterEmail); err != nil {
				return err
			}
		}
		if err := s.store.MarkScrub(ctx); err != nil {
			return err
		}
		// The replies stay for the advisors, without the passages they
		// quoted from the letter.
		for _, m := range th.Messages {
			if m.Kind == model.MessageReply {
				if text := withoutQuotes(m.Body); text != m.Body {
					if err := s.store.SetLetterMessageBody(ctx, m.ID, text); err != nil {
						return err
					}
				}
			}
		}
		return s.store.EraseLetter(ctx, th.Letter.ID, s.Now())
	})
}

// EraseOldLetters erases private letters closed longer ago than the
// site's retention (LetterRetention months; 0 keeps them until their
// writers withdraw them), up to batch a call, and returns how many.
func (s *Service) EraseOldLetters(ctx context.Context, batch int) (int, error) {
	site, err := s.SiteSettings(ctx)
	if err != nil {
		return 0, err
	}
	months, err := strconv.Atoi(site.LetterRetention)
	if err != nil || months <= 0 {
		return 0, nil
	}
	list, err := s.store.OldPrivateLetters(ctx, s.Now().AddDate(0, -months, 0), batch)
	if err != nil {
		return 0, err
	}
	for i := range list {
		th, err := s.AdminLetter(ctx, list[i].ID)
		if err != nil {
			return i, err
		}
		if err := s.eraseLetter(ctx, th, false); err != nil {
			return i, err
		}
		if err := s.Audit(ctx, 0, "letter.expired", fmt.Sprintf("letter %d: erased %d months after it was closed", th.Letter.ID, months)); err != nil {
			return i, err
		}
	}
	return len(list), nil
}

// AddressHashDays is how long comments and reports keep the hash of their
// writer's address (for limits and bans) before it is forgotten.
const AddressHashDays = 30

// ForgetAddresses forgets address hashes older than AddressHashDays, a
// batch at a time; the worker calls it until it returns fewer.
func (s *Service) ForgetAddresses(ctx context.Context, batch int) (int64, error) {
	return s.store.ForgetAddresses(ctx, s.Now().AddDate(0, 0, -AddressHashDays), batch)
}

// ScrubErased makes what erasures removed leave the database files (see
// the store's ScrubErased); the worker calls it.
func (s *Service) ScrubErased(ctx context.Context) (bool, error) { return s.store.ScrubErased(ctx) }

// LettersPerPage is the inbox's page size.
const LettersPerPage = 50

// Inbox returns a page of letters for advisors: open ones (or one state),
// the most urgent first, then the oldest.
func (s *Service) Inbox(ctx context.Context, status string, mine int64, page int) ([]model.Letter, model.Pagination, error) {
	if status != "" && !validLetterState(status) {
		return nil, model.Pagination{}, model.ErrNotFound
	}
	if page < 1 {
		return nil, model.Pagination{}, model.ErrNotFound
	}
	list, total, err := s.store.Letters(ctx, model.LetterFilter{Status: status, AssignedTo: mine, Limit: LettersPerPage,
		Offset: (page - 1) * LettersPerPage})
	if err != nil {
		return nil, model.Pagination{}, err
	}
	p, err := paginate(page, LettersPerPage, total)
	return list, p, err
}

// SearchInbox finds letters for advisors, in every state: by words of the
// title, letter or writer's name (stems and beginnings, as the public
// search), or every letter from one e-mail address when q is one. More than
// maxLetterMatches matches are counted as that many.
func (s *Service) SearchInbox(ctx context.Context, q string, page int) ([]model.Letter, model.Pagination, []model.Msg, error) {
	q = strings.TrimSpace(q)
	if len(q) > 4*search.MaxInput {
		q = q[:4*search.MaxInput]
	}
	if page < 1 {
		return nil, model.Pagination{}, nil, model.ErrNotFound
	}
	if a, err := mail.ParseAddress(q); err == nil && !strings.ContainsAny(q, " <>") {
		list, err := s.store.LettersByEmail(ctx, spam.NormalizeEmail(a.Address), LettersPerPage)
		if err != nil {
			return nil, model.Pagination{}, nil, err
		}
		p, err := paginate(page, LettersPerPage, len(list))
		return list, p, nil, err
	}
	cleaned := search.Parse(q)
	msg := queryMessage(cleaned)
	if cleaned.Empty() {
		return nil, model.Pagination{Number: 1, Size: LettersPerPage}, msg, nil
	}
	list, total, err := s.store.SearchLetters(ctx, cleaned, LettersPerPage, (page-1)*LettersPerPage)
	if err != nil {
		return nil, model.Pagination{}, nil, err
	}
	p, err := paginate(page, LettersPerPage, total)
	return list, p, msg, err
}

func validLetterState(st string) bool {
	for _, k := range model.LetterStates {
		if k == st {
			return true
		}
	}
	return false
}

// AdminLetter returns a letter with its whole thread, notes included.
func (s *Service) AdminLetter(ctx context.Context, id int64) (*LetterThread, error) {
	l, err := s.store.LetterByID(ctx, id)
	if err != nil {
		return nil, err
	}
	msgs, err := s.store.LetterMessages(ctx, id, true)
	if err != nil {
		return nil, err
	}
	return s.withPublication(ctx, &LetterThread{Letter: l, Messages: msgs}, false)
}

// ReplyToLetter sends an advisor's reply: to the writer's thread, and by
// e-mail when they gave an address, with a discreet subject.
func (s *Service) ReplyToLetter(ctx context.Context, actor, id int64, body string) error {
	body = strings.TrimSpace(body)
	if body == "" || utf8.RuneCountInString(body) > 50000 {
		return &model.Error{Code: model.EINVALID, Message: "letter.write_reply", Fields: map[string]model.Msg{"reply": model.M("letter.write_reply_2")}}
	}
	return s.store.InTx(ctx, func(ctx context.Context) error {
		l, err := s.store.LetterByID(ctx, id)
		if err != nil {
			return err
		}
		if l.Status == model.LetterWithdrawn {
			return model.Errorf(model.EFORBIDDEN, "letter.letter_was_withdrawn_its")
		}
		now := s.Now()
		if err := s.store.AddLetterMessage(ctx, &model.LetterMessage{LetterID: id, Kind: model.MessageReply, UserID: actor,
			Body: body, CreatedAt: now}); err != nil {
			return err
		}
		l.Status, l.UpdatedAt, l.WriterWrote = model.LetterReplied, now, time.Time{}
		if l.FirstReplyAt.IsZero() {
			l.FirstReplyAt = now
		}
		if l.AssignedTo == 0 {
			l.AssignedTo = actor
		}
		if err := s.store.UpdateLetter(ctx, l); err != nil {
			return err
		}
		if err := s.store.DeleteLetterDraft(ctx, id); err != nil {
			return err
		}
		if l.WriterEmail != "" {
			token := spam.LinkSecret(s.opts.Secret, l.LinkSalt)
			text := s.lang(ctx).Text("mail.reply", "Name", greetingName(l.WriterName), "Link", s.letterURL(token))
			if err := s.mailWriter(ctx, l, "mail.reply_subject", text); err != nil {
				return err
			}
		}
		return s.audit(ctx, actor, "letter.reply", fmt.Sprintf("letter %d", id))
	})
}

// AddLetterNote adds an internal note the writer never sees.
func (s *Service) AddLetterNote(ctx context.Context, actor, id int64, body string) error {
	body = strings.TrimSpace(body)
	if body == "" {
		return &model.Error{Code: model.EINVALID, Message: "letter.write_note", Fields: map[string]model.Msg{"note": model.M("letter.write_note_2")}}
	}
	return s.store.InTx(ctx, func(ctx context.Context) error {
		if _, err := s.store.LetterByID(ctx, id); err != nil {
			return err
		}
		return s.store.AddLetterMessage(ctx, &model.LetterMessage{LetterID: id, Kind: model.MessageNote, UserID: actor,
			Body: body, CreatedAt: s.Now()})
	})
}

// UpdateLetterCase sets a letter's state, priority and advisor.
func (s *Service) UpdateLetterCase(ctx context.Context, actor, id int64, status string, priority int, assignee int64) error {
	if !validLetterState(status) || status == model.LetterWithdrawn || status == model.LetterPublished {
		return &model.Error{Code: model.EINVALID, Message: "letter.choose_state", Fields: map[string]model.Msg{"status": model.M("letter.choose_state")}}
	}
	if priority < 0 || priority > 3 {
		return &model.Error{Code: model.EINVALID, Message: "letter.choose_priority", Fields: map[string]model.Msg{"priority": model.M("letter.0_3")}}
	}
	return s.store.InTx(ctx, func(ctx context.Context) error {
		l, err := s.store.LetterByID(ctx, id)
		if err != nil {
			return err
		}
		if l.Status == model.LetterWithdrawn {
			return errWithdrawn
		}
		if assignee != 0 {
			u, err := s.store.UserByID(ctx, assignee)
			if err != nil || !u.Role.Can(model.PermLetters) {
				return &model.Error{Code: model.EINVALID, Message: "letter.choose_advisor", Fields: map[string]model.Msg{"assignee": model.M("letter.choose_advisor")}}
			}
		}
		if status == model.LetterNew && assignee != 0 {
			status = model.LetterAssigned
		}
		l.Status, l.Priority, l.AssignedTo, l.UpdatedAt = status, priority, assignee, s.Now()
		if err := s.store.UpdateLetter(ctx, l); err != nil {
			return err
		}
		return s.audit(ctx, actor, "letter.update", fmt.Sprintf("letter %d: %s, priority %d, advisor %d", id, status, priority, assignee))
	})
}

// LetterDraft returns the reply being written to a letter.
func (s *Service) LetterDraft(ctx context.Context, id int64) (*model.LetterDraft, error) {
	return s.store.LetterDraft(ctx, id)
}

// DraftConflict is the error of a save that would overwrite another
// advisor's newer draft; Draft is that draft, to show.
type DraftConflict struct {
	Err   *model.Error
	Draft *model.LetterDraft
}

func (e *DraftConflict) Error() string { return e.Err.Error() }

// Unwrap gives the coded error, with its message for the page.
func (e *DraftConflict) Unwrap() error { return e.Err }

// SaveLetterDraft saves the reply being written, made from the draft of
// version base. When someone saved a newer draft meanwhile, nothing is
// saved and the error carries theirs: no advisor silently overwrites
// another.
func (s *Service) SaveLetterDraft(ctx context.Context, actor, id int64, body string, base int64) (*model.LetterDraft, error) {
	if utf8.RuneCountInString(body) > 50000 {
		return nil, &model.Error{Code: model.EINVALID, Message: "letter.reply_too_long_keep",
			Fields: map[string]model.Msg{"reply": model.M("letter.50_000_characters_at")}}
	}
	d := &model.LetterDraft{LetterID: id, Body: body, UserID: actor, UpdatedAt: s.Now()}
	var current *model.LetterDraft
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		l, err := s.store.LetterByID(ctx, id)
		if err != nil {
			return err
		}
		saved, err := s.store.SaveLetterDraft(ctx, d, base)
		if err != nil {
			return err
		}
		if !saved {
			current, err = s.store.LetterDraft(ctx, id)
			return err
		}
		if l.Status == model.LetterNew || l.Status == model.LetterAssigned {
			l.Status, l.UpdatedAt = model.LetterDrafting, s.Now()
			if l.AssignedTo == 0 {
				l.AssignedTo = actor
			}
			return s.store.UpdateLetter(ctx, l)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if current != nil {
		who := current.UserName
		if who == "" {
			who = s.lang(ctx).Text("al.another_who")
		}
		return nil, &DraftConflict{Err: &model.Error{Code: model.ECONFLICT,
			Message: "letter.draft_conflict", Args: []any{"Name", who},
			Fields: map[string]model.Msg{"reply": model.M("letter.not_saved_compare_with")}}, Draft: current}
	}
	return d, nil
}

// WorkList is what the dashboard shows an advisor: what needs them now.
type WorkList struct {
	Urgent, Mine, Answered []model.Letter // the first few of each
	UrgentN, MineN         int
	AnsweredN              int
	Oldest                 *model.Letter // the letter waiting longest for a first reply
	MedianReply            time.Duration
}

// AdvisorWork returns the dashboard's work list for user.
func (s *Service) AdvisorWork(ctx context.Context, user int64) (*WorkList, error) {
	const few = 5
	w := &WorkList{}
	var err error
	for _, q := range []struct {
		f    model.LetterFilter
		list *[]model.Letter
		n    *int
	}{
		{model.LetterFilter{Urgent: true, Limit: few}, &w.Urgent, &w.UrgentN},
		{model.LetterFilter{AssignedTo: user, Limit: few}, &w.Mine, &w.MineN},
		{model.LetterFilter{Answered: true, Limit: few}, &w.Answered, &w.AnsweredN},
	} {
		if *q.list, *q.n, err = s.store.Letters(ctx, q.f); err != nil {
			return nil, err
		}
	}
	if w.Oldest, err = s.store.OldestWaiting(ctx); err != nil {
		return nil, err
	}
	w.MedianReply, err = s.MedianReply(ctx)
	return w, err
}
