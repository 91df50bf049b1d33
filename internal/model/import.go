package model

import "time"

// Import states.
const (
	ImportRunning = "running"
	ImportDone    = "done"
	ImportFailed  = "failed"
)

// Import is one run of `confide import wordpress`.
type Import struct {
	ID         int64
	Source     string // the WordPress site's address
	FileName   string
	Status     string
	StartedAt  time.Time
	FinishedAt time.Time
	Sections   int // made by this run
	Stories    int
	Comments   int
	Error      string
}

// Kinds of imported things.
const (
	ImportedSection = "section"
	ImportedStory   = "story"
	ImportedComment = "comment"
)

// ImportedThing ties a thing of the old site (WordPress's id) to ours.
type ImportedThing struct {
	Kind    string
	WPID    int64
	LocalID int64
	Made    bool // false: it was here before, and the import only used it
}

// OldLink is an address of the old site and what it leads to now: a story
// or a section.
type OldLink struct {
	Path      string
	StoryID   int64
	SectionID int64
}
