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
	// NotifyComments: the writer asked to hear (at most daily) of comments
	// on their published story.
	NotifyComments bool
	// RiskTier is how urgent the crisis detector (or an advisor) found the
	// letter: 0 none, 1 low, 2 medium, 3 high. RiskWhy holds the phrases
	// behind it, for advisors only.
	RiskTier int
	RiskWhy  string
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

// Publication states: the anonymised copy of a letter on its way to the
// public site, and the writer's answer to it.
const (
	PublicationDraft    = "draft"    // the advisor is preparing it; the writer does not see it
	PublicationProposed = "proposed" // shown to the writer, waiting for their answer
	PublicationChanges  = "changes"  // the writer asked for a change
	PublicationDeclined = "declined" // the writer does not want it published
	PublicationApproved = "approved" // the writer approved this version; it is the story
)

// Publication is the version of a letter and its reply that would be
// published: an anonymised copy edited by an advisor (the letter itself
// stays unchanged) that the writer must approve, word for word.
type Publication struct {
	LetterID      int64
	Version       int64 // goes up with every save; 0: nothing saved yet
	State         string
	Title         string
	Slug          string
	SectionID     int64
	AuthorName    string // the name shown with the letter; often none
	Letter        string // the anonymised copy, plain text
	Reply         string // Markdown
	WriterMessage string // what the writer asked to change
	StoryID       int64  // the published story, once approved
	UserID        int64  // who saved it last
	UpdatedAt     time.Time
	DecidedAt     time.Time // when the writer last answered
}

// WriterToTell is a writer who asked to hear of comments on their
// published story, with how many approved comments came since they were
// last told.
type WriterToTell struct {
	Letter   Letter
	StoryID  int64
	Comments int
}

// What became of a message from the letters' mailbox.
const (
	MailInLetter   = "letter"   // a new letter
	MailInFollowUp = "followup" // a writer's answer, added to their thread
	MailInIgnored  = "ignored"  // machine-sent, a copy, or refused; never answered
	MailInFailed   = "failed"   // could not be read; left unread in the mailbox
)

// MailIn records one message the mail worker handled.
type MailIn struct {
	ID         int64
	MailboxKey string // the mailbox's UIDVALIDITY and the message's UID
	MessageID  string
	Outcome    string
	LetterID   int64
	Detail     string // why it was ignored or could not be read
	Size       int64
	ReceivedAt time.Time
}
