package worker

import (
	"context"
	"log/slog"
	"time"
)

// CommentJobs is what the comment worker needs; *service.Service is one.
type CommentJobs interface {
	SendNotifications(ctx context.Context, limit int) (int, error)
	SendModerationDigest(ctx context.Context) (bool, error)
	PruneCommentState(ctx context.Context) error
	TellWritersOfComments(ctx context.Context) (int, error)
	CheckContentNotes(ctx context.Context, batch int) (int, error)
	ScrubErased(ctx context.Context) (bool, error)
	ForgetAddresses(ctx context.Context, batch int) (int64, error)
	EraseOldLetters(ctx context.Context, batch int) (int, error)
}

// Comments runs the comments' background jobs until its context ends:
// reply notifications, the moderators' daily digest, the writers' daily
// note about comments on their published story, and forgetting
// anti-spam state that expired. Every instance may run it: the jobs' state
// is in the database, and a notification or digest goes out once.
type Comments struct {
	Service  CommentJobs
	Interval time.Duration // between runs (default 30 s)
	Log      *slog.Logger
}

// Run runs the jobs every Interval until ctx is done.
func (w *Comments) Run(ctx context.Context) {
	interval := w.Interval
	if interval <= 0 {
		interval = 30 * time.Second
	}
	log := w.Log
	if log == nil {
		log = slog.Default()
	}
	for {
		if n, err := w.Service.SendNotifications(ctx, 100); err != nil {
			log.Error("reply notifications", "err", err)
		} else if n > 0 {
			log.Info("reply notifications queued", "mails", n)
		}
		if _, err := w.Service.SendModerationDigest(ctx); err != nil {
			log.Error("moderation digest", "err", err)
		}
		if n, err := w.Service.TellWritersOfComments(ctx); err != nil {
			log.Error("tell writers of comments", "err", err)
		} else if n > 0 {
			log.Info("writers told of comments", "mails", n)
		}
		// Stories from before content notes: checked a batch at a time
		// until none are left (a no-op after that).
		for ctx.Err() == nil {
			n, err := w.Service.CheckContentNotes(ctx, 500)
			if err != nil {
				log.Error("content notes", "err", err)
			}
			if err != nil || n < 500 {
				break
			}
		}
		// Privacy: address hashes older than 30 days, private letters kept
		// past the site's retention. Before the scrub, which then also
		// removes what they erased.
		for ctx.Err() == nil {
			n, err := w.Service.ForgetAddresses(ctx, 1000)
			if err != nil {
				log.Error("forget address hashes", "err", err)
			}
			if err != nil || n < 1000 {
				break
			}
		}
		if n, err := w.Service.EraseOldLetters(ctx, 100); err != nil {
			log.Error("erase letters past retention", "err", err)
		} else if n > 0 {
			log.Info("letters past retention erased", "letters", n)
		}
		if ran, err := w.Service.ScrubErased(ctx); err != nil {
			log.Error("scrub erased text", "err", err)
		} else if ran {
			log.Info("erased text scrubbed from the database files")
		}
		if err := w.Service.PruneCommentState(ctx); err != nil {
			log.Error("prune anti-spam state", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}
