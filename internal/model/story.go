package model

import "time"

// Story states. Only published stories are shown to readers.
const (
	StoryDraft     = "draft"
	StoryPublished = "published"
	StoryWithdrawn = "withdrawn"
)

// Section groups stories by theme ("Relationships", "Family", …).
type Section struct {
	ID          int64
	Slug        string
	Name        string
	Description string
	Position    int
	StoryCount  int // published stories; filled by listings
	CreatedAt   time.Time
}

// Story is a visitor's letter and the advisor's public reply to it.
type Story struct {
	ID          int64
	Slug        string
	SectionID   int64
	SectionSlug string // filled by reads that join the section
	SectionName string
	Title       string
	AuthorName  string // the writer's chosen name; visitor text, always escaped
	Letter      string // plain text from the writer; always escaped
	Reply       string // Markdown written by the advisor; rendered and sanitised
	AdvisorName string
	Signature   string
	Status      string
	PublishedAt time.Time // zero until published
	CreatedAt   time.Time
	UpdatedAt   time.Time

	CommentCount   int  // approved comments; filled by reads
	CommentsClosed bool // an advisor closed the comments: no new ones
	// Imported: the story came from another site (confide import). One
	// whose post could not be divided has its whole text as the reply and
	// no letter, which is not a withdrawn letter.
	Imported bool

	// ContentNote: the story touches suicide or self-harm; it opens with a
	// note and lists show its title alone. ContentNoteMode is the
	// advisors' choice: NoteAuto (the detector decides), NoteOn, NoteOff.
	ContentNote     bool
	ContentNoteMode string
}

// Content note modes.
const (
	NoteAuto = "auto"
	NoteOn   = "on"
	NoteOff  = "off"
)

// IsPublished reports whether readers may see the story.
func (s *Story) IsPublished() bool { return s.Status == StoryPublished }

// StoryFilter selects a page of stories.
type StoryFilter struct {
	SectionID int64  // 0: every section
	Status    string // "": every status
	Limit     int
	Offset    int
	WithReply bool // lists leave replies out unless asked (feeds need them)
}

// StoryStamp is what a sitemap needs of a published story.
type StoryStamp struct {
	Slug      string
	UpdatedAt time.Time
}

// SearchFilter narrows a full-text search of stories.
type SearchFilter struct {
	SectionID int64  // 0: every section
	Status    string // "": every status (the admin area); readers only see published
	ExcludeID int64  // leave this story out (related stories)
	Limit     int
	Offset    int
	MaxTotal  int  // stop counting matches here; 0: count them all
	Newest    bool // newest first instead of best first (feeds)
	NoSnippet bool // leave SearchHit.Snippet empty (lists that show none)
}

// SearchHit is a story found by a search, with a passage of its text where
// the query's words are marked (by the search package's markers: the text is
// not yet escaped).
type SearchHit struct {
	Story   Story
	Snippet string
}

// SitemapChunk is one file of the sitemap: the published stories whose ids
// fall in one run of ids, and when the last of them changed.
type SitemapChunk struct {
	Number  int64
	LastMod time.Time
}
