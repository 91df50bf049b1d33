package demo

import (
	"strings"
	"testing"
	"time"

	"github.com/confide/confide/internal/model"
)

// The demo is what a newcomer sees first; DESIGN.md promises its shape.
func TestContentShape(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	seed, err := Content(now)
	if err != nil {
		t.Fatal(err)
	}
	if len(seed.Sections) < 4 {
		t.Errorf("%d sections, want at least 4", len(seed.Sections))
	}
	if len(seed.Stories) < 12 {
		t.Errorf("%d stories, want at least 12", len(seed.Stories))
	}
	sections := map[string]bool{}
	for _, s := range seed.Sections {
		sections[s.Slug] = true
	}
	pending, approved := 0, 0
	for _, ss := range seed.Stories {
		st := ss.Story
		if !sections[ss.SectionSlug] {
			t.Errorf("%q: unknown section %q", st.Title, ss.SectionSlug)
		}
		if n := strings.Count(st.Letter, "\n\n") + 1; n < 3 {
			t.Errorf("%q: letter has %d paragraphs, want several", st.Title, n)
		}
		if n := len(strings.Fields(st.Reply)); n < 300 {
			t.Errorf("%q: reply has %d words, want a long reply", st.Title, n)
		}
		if st.Signature == "" || st.AdvisorName == "" || st.AuthorName == "" {
			t.Errorf("%q: missing signature, advisor or author", st.Title)
		}
		if st.PublishedAt.After(now) {
			t.Errorf("%q: published in the future", st.Title)
		}
		storyApproved := 0
		for _, c := range ss.Comments {
			if c.AuthorName == "" || c.Body == "" || strings.HasPrefix(c.Body, "--") {
				t.Errorf("%q: malformed comment %+v", st.Title, c)
			}
			if c.CreatedAt.Before(st.PublishedAt) || c.CreatedAt.After(now) {
				t.Errorf("%q: comment by %s at %v is outside the story's life", st.Title, c.AuthorName, c.CreatedAt)
			}
			switch c.Status {
			case model.CommentPending:
				pending++
			case model.CommentApproved:
				storyApproved++
			}
		}
		if storyApproved > 8 {
			t.Errorf("%q: %d approved comments, want 0–8", st.Title, storyApproved)
		}
		approved += storyApproved
	}
	if pending != 1 {
		t.Errorf("%d pending comments, want exactly 1", pending)
	}
	if approved < 30 {
		t.Errorf("only %d approved comments in all", approved)
	}
	if len(seed.Letters) != 1 || len([]rune(seed.Letters[0].Body)) < 50 {
		t.Errorf("want one pending letter of at least 50 characters, got %d", len(seed.Letters))
	}
}

func TestParseStoryErrors(t *testing.T) {
	now := time.Now()
	for name, raw := range map[string]string{
		"no header end":  "Title: x",
		"bad header":     "Nonsense\n\nletter\n=== reply ===\nreply",
		"no reply":       "Title: x\n\nletter only",
		"bad age":        "Title: x\n\nl\n=== reply ===\nr\n=== comments ===\n-- A @ soon\nhi",
		"comment no age": "Title: x\n\nl\n=== reply ===\nr\n=== comments ===\n-- A\nhi",
	} {
		if _, err := parseStory(raw, now); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}
