package service

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/spam"
)

// QueuePerPage is how many comments the moderation queue shows at once.
const QueuePerPage = 50

// Moderation actions, as the queue's buttons name them.
const (
	ActApprove  = "approve"
	ActSpam     = "spam"
	ActDelete   = "delete"
	ActDismiss  = "dismiss" // close the reports, keep the comment
	ActBanEmail = "ban-email"
	ActBanAddr  = "ban-address"
)

// ModerationQueue returns a page of the comments waiting for moderators:
// status "" (held and reported), "pending", "reported" or "spam".
func (s *Service) ModerationQueue(ctx context.Context, status string, page int) ([]model.Comment, model.Pagination, error) {
	switch status {
	case "", "pending", "reported", "spam":
	default:
		return nil, model.Pagination{}, model.ErrNotFound
	}
	if page < 1 {
		return nil, model.Pagination{}, model.ErrNotFound
	}
	list, total, err := s.store.ModerationQueue(ctx, status, QueuePerPage, (page-1)*QueuePerPage)
	if err != nil {
		return nil, model.Pagination{}, err
	}
	p, err := paginate(page, QueuePerPage, total)
	return list, p, err
}

// Comment returns any comment, for moderators.
func (s *Service) Comment(ctx context.Context, id int64) (*model.Comment, error) {
	return s.store.CommentByID(ctx, id)
}

// Moderate applies one action to several comments, each with its entry in
// the audit log, all in one transaction. It returns how many it changed.
func (s *Service) Moderate(ctx context.Context, actor int64, action string, ids []int64) (int, error) {
	if len(ids) == 0 {
		return 0, model.Errorf(model.EINVALID, "moderation.select_at_least_one")
	}
	if len(ids) > 500 {
		return 0, model.Errorf(model.EINVALID, "moderation.select_at_most_500")
	}
	switch action {
	case ActApprove, ActSpam, ActDelete, ActDismiss, ActBanEmail, ActBanAddr:
	default:
		return 0, model.Errorf(model.EINVALID, "moderation.unknown_action", "Action", action)
	}
	done := 0
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		for _, id := range ids {
			c, err := s.store.CommentByID(ctx, id)
			if model.ErrorCode(err) == model.ENOTFOUND {
				continue // removed meanwhile, by another moderator
			}
			if err != nil {
				return err
			}
			if err := s.moderateOne(ctx, actor, action, c); err != nil {
				return err
			}
			done++
		}
		return nil
	})
	return done, err
}

func (s *Service) moderateOne(ctx context.Context, actor int64, action string, c *model.Comment) error {
	now := s.Now()
	detail := fmt.Sprintf("comment %d on story %d by %q", c.ID, c.StoryID, c.AuthorName)
	switch action {
	case ActApprove:
		if c.Status == model.CommentSpam {
			// Marked spam by mistake: take back what it taught.
			if err := s.store.Learn(ctx, spam.Tokens(c.AuthorName, c.Body), true, -1); err != nil {
				return err
			}
		}
		if c.Status == model.CommentPending || c.Status == model.CommentSpam {
			// A held comment a person found good teaches the score what
			// good looks like.
			if err := s.learn(ctx, c, false); err != nil {
				return err
			}
		}
		c.Status, c.HeldReason = model.CommentApproved, ""
		if err := s.store.UpdateComment(ctx, c); err != nil {
			return err
		}
		if err := s.store.QueueNotify(ctx, c.StoryID, now); err != nil {
			return err
		}
		if err := s.store.ResolveReports(ctx, c.ID, now); err != nil {
			return err
		}
	case ActSpam:
		if c.Status != model.CommentSpam {
			if err := s.learn(ctx, c, true); err != nil {
				return err
			}
		}
		c.Status = model.CommentSpam
		if err := s.store.UpdateComment(ctx, c); err != nil {
			return err
		}
		if err := s.store.ResolveReports(ctx, c.ID, now); err != nil {
			return err
		}
	case ActDelete:
		if err := s.store.DeleteComment(ctx, c.ID); err != nil {
			return err
		}
	case ActDismiss:
		if err := s.store.ResolveReports(ctx, c.ID, now); err != nil {
			return err
		}
	case ActBanEmail:
		if c.AuthorEmail == "" {
			return nil
		}
		r := model.BlockRule{Kind: spam.KindEmail, Value: c.AuthorEmail, Action: spam.ActionRefuse,
			Note: fmt.Sprintf("from comment %d", c.ID), CreatedAt: now}
		if err := s.store.AddBlockRule(ctx, &r); err != nil {
			return err
		}
		detail += " (e-mail banned)"
	case ActBanAddr:
		if c.AddrHash == "" {
			return nil
		}
		r := model.BlockRule{Kind: spam.KindAddr, Value: c.AddrHash, Action: spam.ActionRefuse,
			Note: fmt.Sprintf("from comment %d", c.ID), CreatedAt: now}
		if err := s.store.AddBlockRule(ctx, &r); err != nil {
			return err
		}
		detail += " (address banned)"
	}
	return s.audit(ctx, actor, "comment."+action, detail)
}

// learn teaches the score one comment.
func (s *Service) learn(ctx context.Context, c *model.Comment, isSpam bool) error {
	return s.store.Learn(ctx, spam.Tokens(c.AuthorName, c.Body), isSpam, 1)
}

// EditComment lets a moderator change a comment's name and text.
func (s *Service) EditComment(ctx context.Context, actor, id int64, name, body string) (*model.Comment, error) {
	c, err := s.store.CommentByID(ctx, id)
	if err != nil {
		return nil, err
	}
	fields := map[string]model.Msg{}
	name = oneLine(strings.TrimSpace(name))
	if name == "" || utf8.RuneCountInString(name) > NameMaxLength || badNameChars(name) {
		fields["name"] = model.M("moderation.name_1_60_characters")
	}
	body = cleanBody(body)
	if n := utf8.RuneCountInString(body); n < 1 || n > CommentMaxLength {
		fields["body"] = model.M("moderation.between_1_5_000")
	}
	if len(fields) > 0 {
		return nil, &model.Error{Code: model.EINVALID, Message: "comment_post.check_fields_marked_below", Fields: fields}
	}
	c.AuthorName, c.Body, c.UpdatedAt = name, body, s.Now()
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.UpdateComment(ctx, c); err != nil {
			return err
		}
		return s.audit(ctx, actor, "comment.edit", fmt.Sprintf("comment %d on story %d", c.ID, c.StoryID))
	})
	return c, err
}

// ReportComment records a reader's report; it enters the moderation queue.
// A reader may report a few comments a day.
func (s *Service) ReportComment(ctx context.Context, id int64, reason, note string, addr netip.Addr) error {
	c, err := s.store.CommentByID(ctx, id)
	if err != nil {
		return err
	}
	if c.Status != model.CommentApproved {
		return model.ErrNotFound
	}
	ok := false
	for _, r := range model.ReportReasons {
		ok = ok || r == reason
	}
	if !ok {
		return &model.Error{Code: model.EINVALID, Message: "moderation.choose_reason",
			Fields: map[string]model.Msg{"reason": model.M("moderation.choose_reason_fits_best")}}
	}
	note = cleanBody(note)
	if utf8.RuneCountInString(note) > 1000 {
		return &model.Error{Code: model.EINVALID, Message: "moderation.keep_note_under_1",
			Fields: map[string]model.Msg{"note": model.M("moderation.under_1_000_characters")}}
	}
	if len(s.opts.Secret) == 0 {
		return errNoSecret
	}
	hash := spam.HashAddr(s.opts.Secret, addr)
	now := s.Now()
	n, err := s.store.Hit(ctx, "report:"+hash, now.Truncate(24*time.Hour))
	if err != nil {
		return err
	}
	if n > 20 {
		return errTooMany
	}
	return s.store.CreateReport(ctx, &model.CommentReport{CommentID: id, Reason: reason, Note: note, AddrHash: hash, CreatedAt: now})
}

// SetCommentsClosed opens or closes a story's comments.
func (s *Service) SetCommentsClosed(ctx context.Context, actor, storyID int64, closed bool) error {
	return s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.SetCommentsClosed(ctx, storyID, closed); err != nil {
			return err
		}
		what := "comments.open"
		if closed {
			what = "comments.close"
		}
		return s.audit(ctx, actor, what, fmt.Sprintf("story %d", storyID))
	})
}

// BlockRules returns the block list, for admins.
func (s *Service) BlockRules(ctx context.Context) ([]model.BlockRule, error) {
	return s.store.BlockRules(ctx)
}

// AddBlockRule checks and adds a rule to the block list. A single address
// is stored as its keyed hash, never as typed.
func (s *Service) AddBlockRule(ctx context.Context, actor int64, r model.BlockRule) error {
	r, err := spam.CheckRule(r)
	if err != nil {
		id, args := model.ErrorMessage(err)
		return &model.Error{Code: model.EINVALID, Message: id, Args: args, Fields: map[string]model.Msg{"value": model.M(id, args...)}}
	}
	if r.Kind == spam.KindRange {
		if p := netip.MustParsePrefix(r.Value); p.IsSingleIP() {
			// One address: keep only its hash.
			r.Kind, r.Value = spam.KindAddr, spam.HashAddr(s.opts.Secret, p.Addr())
		}
	}
	r.Note = oneLine(strings.TrimSpace(r.Note))
	r.CreatedAt = s.Now()
	return s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.AddBlockRule(ctx, &r); err != nil {
			return err
		}
		return s.audit(ctx, actor, "blocklist.add", fmt.Sprintf("%s %s (%s)", r.Kind, shown(r), r.Action))
	})
}

// DeleteBlockRule removes a rule from the block list.
func (s *Service) DeleteBlockRule(ctx context.Context, actor, id int64) error {
	return s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.DeleteBlockRule(ctx, id); err != nil {
			return err
		}
		return s.audit(ctx, actor, "blocklist.delete", fmt.Sprintf("rule %d", id))
	})
}

// SendModerationDigest tells moderators, at most once a day and only when
// comments wait, how many wait, with a link to the queue; never the
// comments' text. It reports whether it sent one.
func (s *Service) SendModerationDigest(ctx context.Context) (bool, error) {
	_, waiting, err := s.store.ModerationQueue(ctx, "", 1, 0)
	if err != nil || waiting == 0 {
		return false, err
	}
	now := s.Now()
	sent := false
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		// The first instance to count today's digest sends it.
		n, err := s.store.Hit(ctx, "digest:moderation", now.Truncate(24*time.Hour))
		if err != nil || n > 1 {
			return err
		}
		users, err := s.store.Users(ctx)
		if err != nil {
			return err
		}
		text := s.lang(ctx).Text("mail.moderation", "Count", waiting, "Link", s.opts.BaseURL+"/admin/comments")
		for _, u := range users {
			if !u.Role.Can(model.PermComments) || !u.DisabledAt.IsZero() {
				continue
			}
			if _, err := s.QueueMail(ctx, u.Email, u.Name, s.discreetSubject(ctx, "mail.moderation_subject"), text, ""); err != nil {
				return err
			}
			sent = true
		}
		return nil
	})
	return sent, err
}

// keptPageChanges is how many page changes stay in the database for
// instances that fell behind (one further behind than the service keeps in
// memory empties its cache anyway); older ones are pruned, pruneBatch a run.
const (
	keptPageChanges = 10000
	pruneBatch      = 5000
)

// PruneCommentState forgets rate-limit windows and CAPTCHAs that ended over
// a day ago, and old page changes.
func (s *Service) PruneCommentState(ctx context.Context) error {
	if err := s.store.PruneSpamState(ctx, s.Now().Add(-25*time.Hour)); err != nil {
		return err
	}
	_, err := s.store.PrunePageChanges(ctx, keptPageChanges, pruneBatch)
	return err
}

// SetSecret sets the key of address hashes and signed form keys (see
// Options.Secret).
func (s *Service) SetSecret(key []byte) { s.opts.Secret = key }

// SetMailOut records whether this instance sends mail (an SMTP server is
// set): without it, the dashboard says that alerts and replies wait.
func (s *Service) SetMailOut(on bool) { s.mailOut.Store(on) }

// MailOut reports whether mail is being sent.
func (s *Service) MailOut() bool { return s.mailOut.Load() }
