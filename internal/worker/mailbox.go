package worker

import (
	"context"
	"log/slog"
	"time"

	"github.com/confide/confide/internal/mail"
)

// MailboxJobs is what the mailbox worker needs; *service.Service is one.
type MailboxJobs interface {
	TakeLease(ctx context.Context, name, holder string, d time.Duration) (bool, error)
	DropLease(ctx context.Context, name, holder string) error
	ReceiveMail(ctx context.Context, key string, size int64, raw []byte) (bool, error)
}

// Poller reads a mailbox; *mail.Mailbox is one.
type Poller interface {
	Poll(ctx context.Context, maxSize int64, h mail.Handler) (mail.PollStats, error)
}

// mailboxLease names the database lease that lets one instance at a time
// read the mailbox.
const mailboxLease = "mailbox"

// Mailbox turns the letters' mailbox into letters: every Interval it takes
// the mailbox lease (only one instance of the site reads the mailbox at a
// time) and polls. A message is handled once even when the worker dies
// between handling and flagging it (see service.ReceiveMail).
type Mailbox struct {
	Box      Poller
	Service  MailboxJobs
	Holder   string        // this instance's name for the lease
	Interval time.Duration // between polls (default one minute)
	MaxSize  int64         // larger messages are left unread and shown to admins
	Log      *slog.Logger
	// Handle, when set, is called instead of Service.ReceiveMail (tests
	// use it to stop the worker between handling and flagging).
	Handle mail.Handler
}

// Run polls until ctx is done, then gives the lease up.
func (w *Mailbox) Run(ctx context.Context) {
	interval := w.Interval
	if interval <= 0 {
		interval = time.Minute
	}
	log := w.Log
	if log == nil {
		log = slog.Default()
	}
	defer func() {
		// A fresh context: ctx is over, and the next instance should not
		// wait for the lease to run out.
		dctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := w.Service.DropLease(dctx, mailboxLease, w.Holder); err != nil {
			log.Error("mailbox lease", "err", err)
		}
	}()
	for {
		if _, err := w.PollOnce(ctx, interval); err != nil && ctx.Err() == nil {
			log.Error("mailbox", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}

// PollOnce polls the mailbox when this instance holds the lease (taken for
// a few intervals, so a stopped instance's lease runs out soon).
func (w *Mailbox) PollOnce(ctx context.Context, interval time.Duration) (mail.PollStats, error) {
	ok, err := w.Service.TakeLease(ctx, mailboxLease, w.Holder, 5*interval+time.Minute)
	if err != nil || !ok {
		return mail.PollStats{}, err
	}
	h := w.Handle
	if h == nil {
		h = w.Service.ReceiveMail
	}
	maxSize := w.MaxSize
	if maxSize <= 0 {
		maxSize = 25 << 20
	}
	st, err := w.Box.Poll(ctx, maxSize, h)
	if st.Handled > 0 && w.Log != nil {
		w.Log.Info("mailbox polled", "unread", st.Unread, "handled", st.Handled, "flagged", st.Flagged)
	}
	return st, err
}
