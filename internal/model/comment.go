package model

import "time"

// Comment states. Only approved comments are shown to readers.
const (
	CommentPending  = "pending"
	CommentApproved = "approved"
	CommentSpam     = "spam"
	CommentRejected = "rejected"
)

// Comment is a reader's reply under a story.
type Comment struct {
	ID          int64
	StoryID     int64
	StorySlug   string // filled by reads that join the story
	StoryTitle  string
	ParentID    int64  // the comment this one answers; 0 for none
	ParentName  string // the name on that comment, filled by reads
	AuthorName  string // visitor text, always escaped
	AuthorEmail string // never shown publicly
	Body        string // visitor text, always escaped
	Status      string
	HeldReason  string  // why the anti-spam layers held it, for moderators
	SpamScore   float64 // the learnt score, 0–1 (0.5: no opinion)
	AddrHash    string  // keyed hash of the client address; never the address
	OwnerHash   string  // hash of the writer's private link
	CreatedAt   time.Time
	UpdatedAt   time.Time // zero until edited

	Reports     int    // open reports, filled by the moderation queue
	ReportNotes string // their reasons, filled by the moderation queue
}

// CommentReport is a reader's report of a comment.
type CommentReport struct {
	ID        int64
	CommentID int64
	Reason    string
	Note      string
	AddrHash  string
	CreatedAt time.Time
}

// Report reasons a reader chooses from.
// (their words are the messages report.reason.KEY).
var ReportReasons = []string{"risk", "unkind", "personal", "spam", "other"}

// BlockRule is one entry of the admins' block list (see package spam).
type BlockRule struct {
	ID        int64
	Kind      string
	Value     string
	Action    string
	Note      string
	CreatedAt time.Time
}

// ContentState is what caches key on: Version changes with anything that
// may change every page; Changes grows with each change to a story's
// comments, whose story ids PageChanges tells.
type ContentState struct {
	Version int64
	Changes int64
}

// ContentMark is what the database says of its content: the version, the
// newest page change, and how many page changes there are after a given
// one (a change whose transaction committed late, after a newer one, moves
// that count though not the newest).
type ContentMark struct {
	Version int64
	MaxSeq  int64
	Recent  int64
}

// PageChange says that the pages of a story changed (a comment appeared,
// changed or went away).
type PageChange struct {
	Seq     int64
	StoryID int64
}

// Subscription asks for an e-mail when a story gets new comments. Nothing is
// sent before the address is confirmed.
type Subscription struct {
	ID          int64
	StoryID     int64
	Email       string
	TokenHash   string
	ConfirmedAt time.Time // zero until confirmed
	LastSentAt  time.Time
	SeenID      int64 // the newest comment already told about
	CreatedAt   time.Time
}

// PersonalSubscription is a story an address follows, for an export.
type PersonalSubscription struct {
	StorySlug string
	Confirmed bool
	CreatedAt time.Time
}
