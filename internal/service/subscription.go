package service

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/confide/confide/internal/markup"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/spam"
)

// SubscriptionStore is what reply notifications need of the database.
type SubscriptionStore interface {
	Subscribe(ctx context.Context, sub *model.Subscription) (bool, error)
	EmailConfirmed(ctx context.Context, email string) (bool, error)
	SubscriptionByToken(ctx context.Context, hash string) (*model.Subscription, error)
	ConfirmSubscription(ctx context.Context, id int64, email string, at time.Time) error
	DeleteSubscription(ctx context.Context, id int64) error
	QueueNotify(ctx context.Context, storyID int64, due time.Time) error
	DueNotifications(ctx context.Context, now time.Time, limit int) ([]int64, error)
	SetNotifyDue(ctx context.Context, storyID int64, due time.Time) error
	StorySubscriptions(ctx context.Context, storyID int64) ([]model.Subscription, error)
	MarkNotified(ctx context.Context, id, seenID int64, at time.Time) error
	CommentsAfter(ctx context.Context, storyID, afterID int64, limit int) ([]model.Comment, error)
}

// NotifyEvery is the least time between two e-mails to one subscriber about
// one story.
const NotifyEvery = time.Hour

// confirmsPerDay bounds the confirmation e-mails one address gets, so the
// form cannot be used to flood a stranger's inbox.
const confirmsPerDay = 3

// The subjects of mail to readers say nothing of the story: a shared inbox
// must not tell what the reader is going through.
func (s *Service) discreetSubject(ctx context.Context, id string) string {
	name := "Confide"
	if site, err := s.SiteSettings(ctx); err == nil && site.SiteName != "" {
		name = site.SiteName
	}
	return s.lang(ctx).Text(id, "Site", name)
}

// subscribe asks for reply notifications for c's writer on st, in the
// caller's transaction. An address that confirmed before is subscribed at
// once; otherwise a confirmation is sent (sent reports it), and nothing
// else is sent until it is confirmed.
func (s *Service) subscribe(ctx context.Context, st *model.Story, c *model.Comment) (sent bool, err error) {
	known, err := s.store.EmailConfirmed(ctx, c.AuthorEmail)
	if err != nil {
		return false, err
	}
	token := newToken()
	sub := &model.Subscription{StoryID: st.ID, Email: c.AuthorEmail, TokenHash: hashToken(token), SeenID: c.ID,
		CreatedAt: s.Now()}
	if known {
		sub.ConfirmedAt = sub.CreatedAt
	}
	created, err := s.store.Subscribe(ctx, sub)
	if err != nil || known || !created {
		return false, err
	}
	n, err := s.store.Hit(ctx, "confirm:"+spam.HashEmail(s.opts.Secret, c.AuthorEmail), s.Now().Truncate(24*time.Hour))
	if err != nil || n > confirmsPerDay {
		return false, err
	}
	link := s.opts.BaseURL + "/subscriptions/confirm?t=" + token
	text := s.lang(ctx).Text("mail.confirm", "Name", oneLine(c.AuthorName), "Link", link)
	_, err = s.queueMail(ctx, c.AuthorEmail, c.AuthorName, s.discreetSubject(ctx, "mail.confirm_subject"), text, "", "")
	return err == nil, err
}

// Subscription returns the subscription a link's token opens.
func (s *Service) Subscription(ctx context.Context, token string) (*model.Subscription, error) {
	if token == "" {
		return nil, model.ErrNotFound
	}
	return s.store.SubscriptionByToken(ctx, hashToken(token))
}

// ConfirmSubscription confirms a subscription and its address: later ones
// from the address need no confirmation.
func (s *Service) ConfirmSubscription(ctx context.Context, token string) (*model.Subscription, error) {
	sub, err := s.Subscription(ctx, token)
	if err != nil {
		return nil, err
	}
	return sub, s.store.ConfirmSubscription(ctx, sub.ID, sub.Email, s.Now())
}

// UnsubscribeURL is the one-click unsubscribe link of a subscription:
// signed with the site's secret, so it needs nothing stored and cannot be
// made up for someone else's subscription.
func (s *Service) UnsubscribeURL(id int64) string {
	return s.opts.BaseURL + "/subscriptions/unsubscribe?t=" + spam.SignValue(s.opts.Secret, "unsubscribe", strconv.FormatInt(id, 10))
}

// Unsubscribe ends the subscription an unsubscribe link names. A link
// already used is not an error; a forged one is not found.
func (s *Service) Unsubscribe(ctx context.Context, token string) error {
	v, ok := spam.OpenValue(s.opts.Secret, "unsubscribe", token)
	id, err := strconv.ParseInt(v, 10, 64)
	if !ok || err != nil || len(s.opts.Secret) == 0 {
		return model.ErrNotFound
	}
	return s.store.DeleteSubscription(ctx, id)
}

// SendNotifications e-mails the subscribers of stories with new comments:
// each gets at most one e-mail per story per NotifyEvery, listing the new
// comments (not their own) with short links. It returns how many e-mails
// it queued.
func (s *Service) SendNotifications(ctx context.Context, limit int) (int, error) {
	now := s.Now()
	due, err := s.store.DueNotifications(ctx, now, limit)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, storyID := range due {
		n, err := s.notifyStory(ctx, storyID, now)
		if err != nil {
			return sent, err
		}
		sent += n
	}
	return sent, nil
}

func (s *Service) notifyStory(ctx context.Context, storyID int64, now time.Time) (int, error) {
	sent := 0
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		subs, err := s.store.StorySubscriptions(ctx, storyID)
		if err != nil {
			return err
		}
		var next time.Time // the earliest time a waiting subscriber may be told
		for _, sub := range subs {
			comments, err := s.store.CommentsAfter(ctx, storyID, sub.SeenID, 50)
			if err != nil {
				return err
			}
			var news []model.Comment
			for _, c := range comments {
				if c.AuthorEmail != sub.Email {
					news = append(news, c)
				}
			}
			if len(news) == 0 {
				continue
			}
			if !sub.LastSentAt.IsZero() && now.Sub(sub.LastSentAt) < NotifyEvery {
				if at := sub.LastSentAt.Add(NotifyEvery); next.IsZero() || at.Before(next) {
					next = at
				}
				continue
			}
			if err := s.queueNotification(ctx, sub, news); err != nil {
				return err
			}
			if err := s.store.MarkNotified(ctx, sub.ID, comments[len(comments)-1].ID, now); err != nil {
				return err
			}
			sent++
		}
		return s.store.SetNotifyDue(ctx, storyID, next)
	})
	return sent, err
}

func (s *Service) queueNotification(ctx context.Context, sub model.Subscription, news []model.Comment) error {
	unsub := s.UnsubscribeURL(sub.ID)
	lang := s.lang(ctx)
	var b strings.Builder
	for _, c := range news {
		b.WriteString(lang.Text("mail.replies_one", "Name", oneLine(c.AuthorName), "Excerpt", markup.Excerpt(c.Body, 120),
			"Link", fmt.Sprintf("%s/comments/%d", s.opts.BaseURL, c.ID)))
	}
	text := lang.Text("mail.replies", "Count", len(news), "Replies", b.String(), "Story", fmt.Sprintf("%s/s/%d", s.opts.BaseURL, sub.StoryID), "Stop", unsub)
	_, err := s.queueMail(ctx, sub.Email, "", s.discreetSubject(ctx, "mail.replies_subject"), text, "", unsub)
	return err
}
