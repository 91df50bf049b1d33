package service

import (
	"context"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/confide/confide/internal/markup"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/redact"
	"github.com/confide/confide/internal/spam"
)

// PublicationStore is what publishing a letter needs of the database.
type PublicationStore interface {
	Publication(ctx context.Context, letterID int64) (*model.Publication, error)
	PublicationByStory(ctx context.Context, storyID int64) (*model.Publication, error)
	SavePublication(ctx context.Context, p *model.Publication, base int64) (bool, error)
	ErasePublication(ctx context.Context, letterID int64, at time.Time) error
	AddStoryRedirect(ctx context.Context, slug string, storyID int64, at time.Time) error
	StoryRedirect(ctx context.Context, slug string) (int64, error)
	WritersToTell(ctx context.Context, notBefore time.Time, limit int) ([]model.WriterToTell, error)
	MarkCommentsTold(ctx context.Context, letterID int64, at time.Time, told bool) error
}

// PublicationInput is the advisor's form for the copy to publish.
type PublicationInput struct {
	Title      string
	Slug       string
	SectionID  int64
	AuthorName string
	Letter     string
	Reply      string
	// Checked: the advisor looked at every possible piece of personal data
	// still highlighted and found it can be published.
	Checked bool
}

// PersonalDataIn returns what the redactor finds in each field of a copy
// to publish, by field ("title", "author", "letter", "reply").
func PersonalDataIn(in PublicationInput) map[string][]redact.Finding {
	out := map[string][]redact.Finding{}
	for field, text := range map[string]string{"title": in.Title, "author": in.AuthorName, "letter": in.Letter, "reply": in.Reply} {
		if fs := redact.Find(text); len(fs) > 0 {
			out[field] = fs
		}
	}
	return out
}

// Writer's answers to a copy.
const (
	AnswerApprove = "approve"
	AnswerChange  = "change"
	AnswerDecline = "decline"
)

// PublicationConflict is the refusal of a save made from a copy that
// changed meanwhile; Current is the copy as it is now.
type PublicationConflict struct {
	Current *model.Publication
	Err     *model.Error
}

func (e *PublicationConflict) Error() string { return e.Err.Error() }

// Unwrap returns the coded error, so handlers show its message.
func (e *PublicationConflict) Unwrap() error { return e.Err }

// PublicationFor returns the copy of a letter prepared for publishing: the
// saved one, or (version 0) one made from the letter and its latest reply
// for the advisor to start from.
func (s *Service) PublicationFor(ctx context.Context, letterID int64) (*model.Publication, error) {
	p, err := s.store.Publication(ctx, letterID)
	if err == nil || model.ErrorCode(err) != model.ENOTFOUND {
		return p, err
	}
	th, err := s.AdminLetter(ctx, letterID)
	if err != nil {
		return nil, err
	}
	l := th.Letter
	p = &model.Publication{LetterID: l.ID, State: model.PublicationDraft, Title: l.Title, SectionID: l.SectionID,
		Slug: markup.Slugify(l.Title), Letter: l.Body}
	for _, m := range th.Messages {
		if m.Kind == model.MessageReply {
			p.Reply = m.Body
		}
	}
	return p, nil
}

// SavePublication stores the advisor's copy, made from version base, and
// with propose shows it to the writer to approve (telling them, discreetly,
// when they gave an address). A copy that still carries the writer's name
// or address cannot be proposed.
func (s *Service) SavePublication(ctx context.Context, actor, letterID int64, in PublicationInput, base int64, propose bool) (*model.Publication, error) {
	var p *model.Publication
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		l, err := s.store.LetterByID(ctx, letterID)
		if err != nil {
			return err
		}
		switch {
		case l.Status == model.LetterWithdrawn:
			return model.Errorf(model.EFORBIDDEN, "publication.letter_was_withdrawn_cannot")
		case l.Consent != model.ConsentPublish:
			return model.Errorf(model.EFORBIDDEN, "publication.writer_asked_private_reply")
		}
		if p, err = s.PublicationFor(ctx, letterID); err != nil {
			return err
		}
		if p.Version != base {
			return s.publicationConflict(ctx, p)
		}
		if err := s.checkPublication(ctx, l, p, in, propose); err != nil {
			return err
		}
		p.Title, p.SectionID, p.AuthorName = strings.TrimSpace(in.Title), in.SectionID, strings.TrimSpace(in.AuthorName)
		p.Slug = slugOr(in.Slug, p.Title)
		p.Letter, p.Reply = cleanBody(in.Letter), strings.TrimSpace(in.Reply)
		p.UserID, p.UpdatedAt = actor, s.Now()
		p.Version = base + 1 // a new text: the writer must approve it anew
		p.State = model.PublicationDraft
		if propose {
			p.State, p.WriterMessage = model.PublicationProposed, ""
		}
		saved, err := s.store.SavePublication(ctx, p, base)
		if err != nil {
			return err
		}
		if !saved {
			current, err := s.store.Publication(ctx, letterID)
			if err != nil {
				return err
			}
			return s.publicationConflict(ctx, current)
		}
		if !propose {
			return s.audit(ctx, actor, "letter.copy", fmt.Sprintf("letter %d: version %d saved", letterID, p.Version))
		}
		l.Status, l.UpdatedAt = model.LetterWaiting, s.Now()
		if err := s.store.UpdateLetter(ctx, l); err != nil {
			return err
		}
		if l.WriterEmail != "" {
			text := s.lang(ctx).Text("mail.propose", "Name", greetingName(l.WriterName), "Link", s.letterURL(spam.LinkSecret(s.opts.Secret, l.LinkSalt)))
			if err := s.mailWriter(ctx, l, "mail.message_subject", text); err != nil {
				return err
			}
		}
		return s.audit(ctx, actor, "letter.propose", fmt.Sprintf("letter %d: version %d shown to the writer", letterID, p.Version))
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Service) publicationConflict(ctx context.Context, current *model.Publication) error {
	who := s.lang(ctx).Text("al.another_who")
	if u, err := s.store.UserByID(ctx, current.UserID); err == nil {
		who = u.Name
	}
	return &PublicationConflict{Current: current, Err: &model.Error{Code: model.ECONFLICT,
		Message: "publication.conflict", Args: []any{"Name", who, "Version", current.Version}}}
}

// checkPublication checks the advisor's copy; to propose it, the copy must
// be complete and no longer carry the writer's name or e-mail address.
func (s *Service) checkPublication(ctx context.Context, l *model.Letter, p *model.Publication, in PublicationInput, propose bool) error {
	fields := map[string]model.Msg{}
	title := strings.TrimSpace(in.Title)
	if n := utf8.RuneCountInString(title); n > LetterTitleMax {
		fields["title"] = model.M("publication.keep_title_under_200")
	} else if n == 0 && propose {
		fields["title"] = model.M("publication.write_title")
	}
	if utf8.RuneCountInString(in.Letter) > LetterMaxLength {
		fields["letter"] = model.M("publication.up_20_000_characters")
	} else if propose && strings.TrimSpace(in.Letter) == "" {
		fields["letter"] = model.M("publication.letter_empty")
	}
	if utf8.RuneCountInString(in.Reply) > 50000 {
		fields["reply"] = model.M("publication.up_50_000_characters")
	} else if propose && strings.TrimSpace(in.Reply) == "" {
		fields["reply"] = model.M("publication.write_reply_publish")
	}
	if utf8.RuneCountInString(in.AuthorName) > 60 {
		fields["author"] = model.M("publication.up_60_characters")
	}
	if in.SectionID == 0 && propose {
		fields["section"] = model.M("publication.choose_section")
	} else if in.SectionID != 0 {
		secs, err := s.store.Sections(ctx)
		if err != nil {
			return err
		}
		found := false
		for _, sec := range secs {
			found = found || sec.ID == in.SectionID
		}
		if !found {
			fields["section"] = model.M("publication.choose_section")
		}
	}
	slug := slugOr(in.Slug, title)
	if slug != p.Slug || p.StoryID == 0 {
		taken, err := s.slugTakenByOther(ctx, slug, p.StoryID)
		if err != nil {
			return err
		}
		if taken {
			fields["slug"] = model.M("publication.another_story_already_has")
		}
	}
	if propose && !in.Checked {
		n := 0
		for _, fs := range PersonalDataIn(in) {
			n += len(fs)
		}
		if n > 0 {
			fields["checked"] = model.M("publication.pii_left", "Count", n)
		}
	}
	if propose {
		for field, text := range map[string]string{"title": title, "letter": in.Letter, "reply": in.Reply, "author": in.AuthorName} {
			if leak := writerLeak(l, text); leak != "" && fields[field].ID == "" {
				fields[field] = model.M("publication.leak_" + leak)
			}
		}
	}
	if len(fields) > 0 {
		return &model.Error{Code: model.EINVALID, Message: "publication.check_fields_marked_below", Fields: fields}
	}
	return nil
}

// slugOr is the address the advisor typed, or one made from the title.
func slugOr(typed, title string) string {
	if strings.TrimSpace(typed) != "" {
		return markup.Slugify(typed)
	}
	return markup.Slugify(title)
}

// slugTakenByOther reports whether a story other than own has slug.
func (s *Service) slugTakenByOther(ctx context.Context, slug string, own int64) (bool, error) {
	st, err := s.store.StoryBySlug(ctx, slug)
	if model.ErrorCode(err) == model.ENOTFOUND {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return st.ID != own, nil
}

// writerLeak names what of the writer text still shows: their e-mail
// address (or its name part) or the name they signed with. A short name
// (under three letters) is too often an ordinary word to check.
func writerLeak(l *model.Letter, text string) string {
	low := strings.ToLower(text)
	if email := strings.ToLower(l.WriterEmail); email != "" {
		if strings.Contains(low, email) {
			return "email"
		}
		if local, _, ok := strings.Cut(email, "@"); ok && utf8.RuneCountInString(local) >= 4 && containsWord(low, local) {
			return "email"
		}
	}
	for _, part := range strings.Fields(strings.ToLower(l.WriterName)) {
		if utf8.RuneCountInString(part) >= 3 && containsWord(low, part) {
			return "name"
		}
	}
	return ""
}

// containsWord reports whether word stands in text as a word of its own.
func containsWord(text, word string) bool {
	re, err := regexp.Compile(`(^|[^\pL\pN])` + regexp.QuoteMeta(word) + `($|[^\pL\pN])`)
	return err == nil && re.MatchString(text)
}

// AnswerPublication records the writer's answer to the copy of version
// they read: approve publishes exactly that version (the writer is told
// the story's link), change sends their message back to the advisors,
// decline keeps the letter private and takes down any earlier version.
func (s *Service) AnswerPublication(ctx context.Context, token, answer string, version int64, message string, addr netip.Addr) (*model.Publication, error) {
	th, err := s.OpenLetter(ctx, token, addr)
	if err != nil {
		return nil, err
	}
	l := th.Letter
	message = cleanBody(message)
	if answer == AnswerChange && message == "" {
		return nil, &model.Error{Code: model.EINVALID, Message: "publication.tell_advisor_what_change",
			Fields: map[string]model.Msg{"message": model.M("publication.what_should_change")}}
	}
	if utf8.RuneCountInString(message) > LetterMaxLength {
		return nil, &model.Error{Code: model.EINVALID, Message: "publication.keep_message_under_20",
			Fields: map[string]model.Msg{"message": model.M("publication.up_20_000_characters")}}
	}
	var p *model.Publication
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if p, err = s.store.Publication(ctx, l.ID); err != nil {
			return err
		}
		if l.Status == model.LetterWithdrawn {
			return errWithdrawn
		}
		if p.State != model.PublicationProposed || p.Version != version {
			return model.Errorf(model.ECONFLICT, "publication.advisor_changed_text_since")
		}
		now := s.Now()
		p.DecidedAt, p.UpdatedAt = now, now
		switch answer {
		case AnswerApprove:
			if l.Consent != model.ConsentPublish {
				return model.Errorf(model.EFORBIDDEN, "publication.chose_private_reply_only")
			}
			p.State = model.PublicationApproved
			st, err := s.publishCopy(ctx, p)
			if err != nil {
				return err
			}
			p.StoryID = st.ID
			l.Status = model.LetterPublished
			if l.WriterEmail != "" {
				text := s.lang(ctx).Text("mail.published", "Name", greetingName(l.WriterName), "Link", fmt.Sprintf("%s/s/%d", s.opts.BaseURL, st.ID))
				if err := s.mailWriter(ctx, l, "mail.message_subject", text); err != nil {
					return err
				}
			}
			if err := s.audit(ctx, 0, "letter.approved", fmt.Sprintf("letter %d: the writer approved version %d; story %d", l.ID, p.Version, st.ID)); err != nil {
				return err
			}
		case AnswerChange:
			p.State, p.WriterMessage = model.PublicationChanges, message
			if err := s.store.AddLetterMessage(ctx, &model.LetterMessage{LetterID: l.ID, Kind: model.MessageFollowUp,
				Body: s.lang(ctx).Text("publication.about_version", "Message", message), CreatedAt: now}); err != nil {
				return err
			}
			l.WriterWrote = now
			l.Status = model.LetterNew
			if l.AssignedTo != 0 {
				l.Status = model.LetterAssigned
			}
		case AnswerDecline:
			p.State = model.PublicationDeclined
			l.Consent, l.Status = model.ConsentPrivate, model.LetterReplied
			if err := s.takeDown(ctx, p.StoryID); err != nil {
				return err
			}
		default:
			return model.Errorf(model.EINVALID, "publication.choose_answer")
		}
		saved, err := s.store.SavePublication(ctx, p, version)
		if err != nil {
			return err
		}
		if !saved {
			return model.Errorf(model.ECONFLICT, "publication.advisor_changed_text_since_2")
		}
		l.UpdatedAt = now
		if err := s.store.UpdateLetter(ctx, l); err != nil {
			return err
		}
		if answer == AnswerApprove {
			return s.tellStaff(ctx, l, "mail.staff_approved_subject", "mail.staff_approved")
		}
		return s.tellStaff(ctx, l, "mail.staff_answered_subject", "mail.staff_answered_publishing")
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// publishCopy makes the approved copy the story: a new published story the
// first time, the same story (its old address kept) after a later version.
func (s *Service) publishCopy(ctx context.Context, p *model.Publication) (*model.Story, error) {
	advisor := ""
	if u, err := s.store.UserByID(ctx, p.UserID); err == nil {
		advisor = u.Name
	}
	if p.StoryID == 0 {
		st := &model.Story{Slug: p.Slug, SectionID: p.SectionID, Title: p.Title, AuthorName: p.AuthorName, Letter: p.Letter,
			Reply: p.Reply, AdvisorName: advisor, Status: model.StoryPublished}
		if err := s.AddStory(ctx, st); err != nil {
			return nil, err
		}
		p.Slug = st.Slug // made unique if another story took it meanwhile
		return st, nil
	}
	st, err := s.store.StoryByID(ctx, p.StoryID)
	if err != nil {
		return nil, err
	}
	old := st.Slug
	if p.Slug != old {
		slug, err := s.uniqueSlug(ctx, p.Slug, p.Title)
		if err != nil {
			return nil, err
		}
		st.Slug, p.Slug = slug, slug
	}
	st.SectionID, st.Title, st.AuthorName, st.Letter, st.Reply = p.SectionID, p.Title, p.AuthorName, p.Letter, p.Reply
	st.AdvisorName, st.Status, st.UpdatedAt = advisor, model.StoryPublished, s.Now()
	if st.PublishedAt.IsZero() {
		st.PublishedAt = s.Now()
	}
	markContentNote(st)
	if err := s.store.UpdateStory(ctx, st); err != nil {
		return nil, err
	}
	if st.Slug != old {
		if err := s.store.AddStoryRedirect(ctx, old, st.ID, s.Now()); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// takeDown withdraws a published story (its address answers 410) and
// erases the writer's words from it; the advisor's reply stays stored,
// unpublished, without the passages it quoted.
func (s *Service) takeDown(ctx context.Context, storyID int64) error {
	if storyID == 0 {
		return nil
	}
	st, err := s.store.StoryByID(ctx, storyID)
	if model.ErrorCode(err) == model.ENOTFOUND {
		return nil // an admin deleted it
	}
	if err != nil {
		return err
	}
	st.Status, st.Letter, st.AuthorName, st.UpdatedAt = model.StoryWithdrawn, "", "", s.Now()
	st.Reply = withoutQuotes(st.Reply) // its quotes are the writer's words
	markContentNote(st)
	return s.store.UpdateStory(ctx, st)
}

// keepReplyOnly leaves a published story with the advisor's reply alone:
// the writer's letter and name are erased, and passages the reply quoted
// (Markdown quotes, which is how replies quote letters) are taken out.
func (s *Service) keepReplyOnly(ctx context.Context, storyID int64) error {
	if storyID == 0 {
		return nil
	}
	st, err := s.store.StoryByID(ctx, storyID)
	if model.ErrorCode(err) == model.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	st.Letter, st.AuthorName, st.Reply, st.UpdatedAt = "", "", withoutQuotes(st.Reply), s.Now()
	markContentNote(st)
	return s.store.UpdateStory(ctx, st)
}

// withoutQuotes removes Markdown block quotes (lines starting with ">").
func withoutQuotes(md string) string {
	var out []string
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(strings.TrimLeft(line, " "), ">") {
			continue
		}
		out = append(out, line)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// StoryMoved is the answer for a story's old address: it lives at Slug now.
type StoryMoved struct{ Slug string }

func (e *StoryMoved) Error() string { return "story moved to " + e.Slug }

// storyGone is the answer for a story its writer withdrew.
var storyGone = &model.Error{Code: model.EGONE, Message: "publication.writer_story_asked_us"}

// TellWritersOfComments e-mails, at most once a day each, the writers who
// asked to hear of comments on their published story, and returns how
// many were told. The mail is discreet: it names neither the story nor the
// comments, only a short link.
func (s *Service) TellWritersOfComments(ctx context.Context) (int, error) {
	now := s.Now()
	list, err := s.store.WritersToTell(ctx, now.Add(-24*time.Hour), 100)
	if err != nil {
		return 0, err
	}
	told := 0
	for _, w := range list {
		l := &w.Letter
		err := s.store.InTx(ctx, func(ctx context.Context) error {
			text := s.lang(ctx).Text("mail.story_comments", "Name", greetingName(l.WriterName), "Count", w.Comments,
				"Link", fmt.Sprintf("%s/s/%d#comments", s.opts.BaseURL, w.StoryID), "Page", s.letterURL(spam.LinkSecret(s.opts.Secret, l.LinkSalt)))
			if err := s.mailWriter(ctx, l, "mail.message_subject", text); err != nil {
				return err
			}
			return s.store.MarkCommentsTold(ctx, l.ID, now, true)
		})
		if err != nil {
			return told, fmt.Errorf("tell writer of letter %d of comments: %w", l.ID, err)
		}
		told++
	}
	return told, nil
}

// SetCommentNotice turns on or off the writer's daily note about comments
// on their published story.
func (s *Service) SetCommentNotice(ctx context.Context, token string, on bool, addr netip.Addr) error {
	th, err := s.OpenLetter(ctx, token, addr)
	if err != nil {
		return err
	}
	l := th.Letter
	if l.Status == model.LetterWithdrawn {
		return errWithdrawn
	}
	if on && l.WriterEmail == "" {
		return model.Errorf(model.EINVALID, "publication.have_no_e_mail")
	}
	return s.store.InTx(ctx, func(ctx context.Context) error {
		was := l.NotifyComments
		l.NotifyComments, l.UpdatedAt = on, s.Now()
		if on && !was {
			// Count from now: the first note is about comments to come.
			if err := s.store.MarkCommentsTold(ctx, l.ID, s.Now(), false); err != nil {
				return err
			}
		}
		return s.store.UpdateLetter(ctx, l)
	})
}
