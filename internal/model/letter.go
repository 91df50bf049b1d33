package model

import "time"

// Letter states, in the order a letter usually goes through them.
const (
	LetterNew       = "new"       // no advisor has it yet
	LetterAssigned  = "assigned"  // an advisor has it
	LetterDrafting  = "drafting"  // a reply is being written
	LetterWaiting   = "waiting"   // waiting for the writer
	LetterReplied   = "replied"   // the advisor answered
	LetterPublished = "published" // published as a story, with the writer's sign-off
	LetterClosed    = "closed"
	LetterWithdrawn = "withdrawn" // the writer withdrew it; its text is erased
)

// LetterStates lists every state, for filters.
var LetterStates = []string{LetterNew, LetterAssigned, LetterDrafting, LetterWaiting, LetterReplied,
	LetterPublished, LetterClosed, LetterWithdrawn}

// Consent: what the writer allows.
const (
	ConsentPublish = "publish" // publish, made anonymous, with the reply
	ConsentPrivate = "private" // a private reply only
)

// Letter is a writer's private story and its state in the advisors' inbox.
type Letter struct {
	ID           int64
	TokenHash    string // hash of the writer's link secret
	LinkSalt     string // the link secret is made from it with the site's key
	Title        string
	Body         string
	WriterName   string
	WriterEmail  string // never published
	SectionID    int64
	SectionName  string // filled by reads
	Consent      string
	Status       string
	Priority     int
	AssignedTo   int64
	AssigneeName string // filled by reads
	HeldReason   string // what the anti-spam layers saw, for advisors
	CreatedAt    time.Time
	UpdatedAt    time.Time
	FirstReplyAt time.Time
	WithdrawnAt  time.Time
	WriterWrote  time.Time // the writer wrote more and no reply came since; zero otherwise
}

// Letter message kinds.
const (
	MessageFollowUp = "followup" // from the writer
	MessageReply    = "reply"    // from an advisor, to the writer
	MessageNote     = "note"     // between advisors; the writer never sees it
)

// LetterMessage is one message of a letter's thread.
type LetterMessage struct {
	ID        int64
	LetterID  int64
	Kind      string
	UserID    int64
	UserName  string // filled by reads
	Body      string
	CreatedAt time.Time
}

// LetterFilter selects a page of the inbox.
type LetterFilter struct {
	Status     string // "": every open letter (not published, closed or withdrawn)
	AssignedTo int64
	Urgent     bool // priority 2 and over
	Answered   bool // the writer wrote more since the last reply
	Limit      int
	Offset     int
}

// LetterDraft is the reply being written to a letter.
type LetterDraft struct {
	LetterID  int64
	Body      string
	Version   int64 // 0: no draft yet
	UserID    int64
	UserName  string // filled by reads
	UpdatedAt time.Time
}

// ReplyTemplate is a piece of reply an advisor keeps for reuse.
type ReplyTemplate struct {
	ID        int64
	UserID    int64
	Name      string
	Body      string // Markdown
	UpdatedAt time.Time
}
