// Package worker runs Confide's background jobs. Their state lives in the
// database, so any number of instances may run them side by side.
package worker

import (
	"context"
	"log/slog"
	"time"

	"github.com/confide/confide/internal/service"
)

// Deliverer sends due outbox messages; *service.Service is one.
type Deliverer interface {
	DeliverDue(ctx context.Context, m service.Mailer, limit int) (int, error)
}

// Outbox delivers the e-mail outbox until its context ends.
type Outbox struct {
	Service  Deliverer
	Mailer   service.Mailer
	Interval time.Duration // pause when nothing is due (default 2 s)
	Batch    int           // messages claimed at once (default 20)
	Log      *slog.Logger
}

// Run delivers due messages, pausing when there are none, until ctx is
// done. A message being sent when ctx ends is finished and recorded first.
func (w *Outbox) Run(ctx context.Context) {
	interval, batch := w.Interval, w.Batch
	if interval <= 0 {
		interval = 2 * time.Second
	}
	if batch <= 0 {
		batch = 20
	}
	log := w.Log
	if log == nil {
		log = slog.Default()
	}
	for {
		n, err := w.Service.DeliverDue(ctx, w.Mailer, batch)
		if err != nil {
			log.Error("outbox delivery", "err", err)
		}
		if ctx.Err() != nil {
			return
		}
		if n == batch && err == nil {
			continue // there may be more due right now
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}
