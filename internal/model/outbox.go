package model

import "time"

// Outbox states.
const (
	MailPending = "pending" // waiting for its next attempt
	MailSending = "sending" // claimed by a worker until its lease ends
	MailSent    = "sent"
	MailFailed  = "failed" // gave up after the last attempt
)

// OutboxMessage is an e-mail waiting in (or delivered from) the outbox.
type OutboxMessage struct {
	ID            int64
	To            string
	ToName        string
	Subject       string
	Text          string // plain-text part
	HTML          string // HTML part; may be empty
	MessageID     string // "<…@host>", fixed when queued so a resend is recognisable
	Unsubscribe   string // one-click unsubscribe URL of mail a reader asked for; may be empty
	Status        string
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	CreatedAt     time.Time
	SentAt        time.Time
}
