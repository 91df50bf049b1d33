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
	AuthorName  string // visitor text, always escaped
	AuthorEmail string // never shown publicly
	Body        string // visitor text, always escaped
	Status      string
	CreatedAt   time.Time
}
