package service

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/spam"
)

// Limits of a visitor's comment.
const (
	CommentMinLength = 5
	CommentMaxLength = 5000
	NameMaxLength    = 60
	// OwnCommentWindow is how long a writer may edit or delete a comment
	// through its private link.
	OwnCommentWindow = 15 * time.Minute
)

// CommentInput is a visitor's comment form.
type CommentInput struct {
	StorySlug string
	ParentID  int64
	Name      string
	Email     string
	Body      string
	Subscribe bool // e-mail me when someone replies
	Visitor
}

// PostedComment is what the writer of a new comment is told.
type PostedComment struct {
	Comment *model.Comment
	// OwnerToken opens the writer's private link to the comment
	// (/comments/{id}/mine?k=…); only its hash is stored.
	OwnerToken string
	// ConfirmSent: a subscription waits for the address to be confirmed.
	ConfirmSent bool
}

// Published reports whether readers see the comment now.
func (p *PostedComment) Published() bool { return p.Comment.Status == model.CommentApproved }

// PostComment checks a visitor's comment through every anti-spam layer the
// admins switched on and stores it, published or held for a moderator with
// the reasons why. Refused comments are not stored. Every message is safe to
// show next to the form, which keeps what was typed.
func (s *Service) PostComment(ctx context.Context, in CommentInput) (*PostedComment, error) {
	st, err := s.PublishedStory(ctx, in.StorySlug)
	if err != nil {
		return nil, err
	}
	if st.CommentsClosed {
		return nil, model.Errorf(model.EFORBIDDEN, "comment_post.comments_story_closed")
	}
	c := &model.Comment{StoryID: st.ID, StorySlug: st.Slug, StoryTitle: st.Title}
	if err := s.checkCommentFields(ctx, c, in); err != nil {
		return nil, err
	}
	a, err := s.AntiSpamSettings(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.checkVisitor(ctx, a, in.Visitor, c.AuthorEmail, "comment"); err != nil {
		return nil, err
	}
	v, err := s.checkText(ctx, a, c.AuthorName, c.Body, c.AuthorEmail, in.Addr)
	if err != nil {
		return nil, err
	}
	if v.refuse {
		return nil, errRefused
	}
	c.SpamScore = v.score
	hold := append(v.hold, s.riskHold(ctx, s.Risk(c.Body))...)
	switch a.Policy {
	case PolicyHoldAll:
		hold = append(hold, s.lang(ctx).Text("held.all"))
	case PolicyHoldFirst:
		known, err := s.store.HasApprovedComment(ctx, c.AuthorEmail)
		if err != nil {
			return nil, err
		}
		if !known {
			hold = append(hold, s.lang(ctx).Text("held.first"))
		}
	}
	c.Status = model.CommentApproved
	if len(hold) > 0 {
		c.Status = model.CommentPending
		c.HeldReason = strings.Join(hold, "; ")
	}
	c.AddrHash = spam.HashAddr(s.opts.Secret, in.Addr)
	token := newToken()
	c.OwnerHash = hashToken(token)
	c.CreatedAt = s.Now()
	out := &PostedComment{Comment: c, OwnerToken: token}
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreateComment(ctx, c); err != nil {
			return err
		}
		if in.Subscribe {
			sent, err := s.subscribe(ctx, st, c)
			if err != nil {
				return err
			}
			out.ConfirmSent = sent
		}
		if c.Status == model.CommentApproved {
			return s.store.QueueNotify(ctx, st.ID, c.CreatedAt)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// checkCommentFields cleans the form's fields into c, or says what is wrong
// with each one.
func (s *Service) checkCommentFields(ctx context.Context, c *model.Comment, in CommentInput) error {
	fields := map[string]model.Msg{}
	c.AuthorName = strings.TrimSpace(in.Name)
	switch {
	case c.AuthorName == "":
		fields["name"] = model.M("comment_post.give_name_any_name")
	case utf8.RuneCountInString(c.AuthorName) > NameMaxLength:
		fields["name"] = model.M("comment_post.keep_name_under_60")
	case badNameChars(c.AuthorName):
		fields["name"] = model.M("comment_post.write_name_one_line")
	}
	email := strings.TrimSpace(in.Email)
	if email == "" {
		fields["email"] = model.M("comment_post.give_e_mail_address")
	} else if a, err := mail.ParseAddress(email); err != nil || a.Address != email || len(email) > 254 ||
		strings.IndexFunc(email, unicode.IsControl) >= 0 {
		fields["email"] = model.M("comment_post.enter_address_like_name")
	}
	c.AuthorEmail = spam.NormalizeEmail(email)
	c.Body = cleanBody(in.Body)
	switch n := utf8.RuneCountInString(c.Body); {
	case n < CommentMinLength:
		fields["body"] = model.M("comment_post.write_little_more_at")
	case n > CommentMaxLength:
		fields["body"] = model.M("comment_post.comment_too_long", "Count", n)
	}
	if in.ParentID != 0 {
		p, err := s.store.CommentByID(ctx, in.ParentID)
		if model.ErrorCode(err) == model.ENOTFOUND || (err == nil && (p.StoryID != c.StoryID || p.Status != model.CommentApproved)) {
			fields["body"] = model.M("comment_post.comment_answering_no_longer")
			in.ParentID = 0
		} else if err != nil {
			return err
		} else {
			// One level of threading: an answer to an answer joins the
			// first comment's thread.
			c.ParentID = p.ID
			if p.ParentID != 0 {
				c.ParentID = p.ParentID
			}
		}
	}
	if len(fields) > 0 {
		return &model.Error{Code: model.EINVALID, Message: "comment_post.check_fields_marked_below", Fields: fields}
	}
	return nil
}

// cleanBody keeps paragraphs and line breaks, and drops control characters
// and trailing space, so that what is stored is what is shown.
func cleanBody(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return -1
		}
		return r
	}, s)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRightFunc(l, unicode.IsSpace)
	}
	s = strings.Join(lines, "\n")
	for strings.Contains(s, "\n\n\n") {
		s = strings.ReplaceAll(s, "\n\n\n", "\n\n")
	}
	return strings.TrimSpace(s)
}

// newToken returns a secret for a link: 128 random bits.
func newToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// OwnComment returns a comment for its writer's private link.
func (s *Service) OwnComment(ctx context.Context, id int64, token string) (*model.Comment, error) {
	c, err := s.store.CommentByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if token == "" || c.OwnerHash == "" || !equalHash(c.OwnerHash, hashToken(token)) ||
		c.Status == model.CommentSpam || c.Status == model.CommentRejected {
		return nil, model.ErrNotFound
	}
	return c, nil
}

// CanChangeOwn reports whether the writer may still edit or delete c.
func (s *Service) CanChangeOwn(c *model.Comment) bool {
	return s.Now().Sub(c.CreatedAt) < OwnCommentWindow
}

var errOwnWindow = model.Errorf(model.EFORBIDDEN, "comment_post.comment_can_changed_15")

// EditOwnComment changes a comment's text through its private link, within
// OwnCommentWindow. The new text passes the text layers again; if one
// objects, the comment waits for a moderator.
func (s *Service) EditOwnComment(ctx context.Context, id int64, token, body string) (*model.Comment, error) {
	c, err := s.OwnComment(ctx, id, token)
	if err != nil {
		return nil, err
	}
	if !s.CanChangeOwn(c) {
		return nil, errOwnWindow
	}
	c.Body = cleanBody(body)
	if n := utf8.RuneCountInString(c.Body); n < CommentMinLength || n > CommentMaxLength {
		return nil, &model.Error{Code: model.EINVALID, Message: "comment_post.check_comment",
			Fields: map[string]model.Msg{"body": model.M("comment_post.between_5_5_000")}}
	}
	a, err := s.AntiSpamSettings(ctx)
	if err != nil {
		return nil, err
	}
	v, err := s.checkText(ctx, a, c.AuthorName, c.Body, c.AuthorEmail, noAddr)
	if err != nil {
		return nil, err
	}
	if v.refuse {
		return nil, errRefused
	}
	if hold := append(v.hold, s.riskHold(ctx, s.Risk(c.Body))...); len(hold) > 0 {
		c.Status = model.CommentPending
		c.HeldReason = s.lang(ctx).Text("held.edited", "Reasons", strings.Join(hold, "; "))
	}
	c.SpamScore = v.score
	c.UpdatedAt = s.Now()
	if err := s.store.UpdateComment(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// DeleteOwnComment removes a comment through its private link, within
// OwnCommentWindow.
func (s *Service) DeleteOwnComment(ctx context.Context, id int64, token string) (*model.Comment, error) {
	c, err := s.OwnComment(ctx, id, token)
	if err != nil {
		return nil, err
	}
	if !s.CanChangeOwn(c) {
		return nil, errOwnWindow
	}
	return c, s.store.DeleteComment(ctx, c.ID)
}
