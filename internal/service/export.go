package service

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/confide/confide/internal/model"
)

// ExportStore is what the export and the search rebuild need.
type ExportStore interface {
	PublishedStoriesAfter(ctx context.Context, after int64, limit int) ([]model.Story, error)
	ApprovedCommentsAfter(ctx context.Context, after int64, limit int) ([]model.Comment, int64, error)
	RebuildSearch(ctx context.Context) error
}

// exported shapes: public content only (no e-mail, no address hash, no
// private letter, no held comment).
type (
	exportSection struct {
		Slug        string `json:"slug"`
		Name        string `json:"name"`
		Description string `json:"description,omitempty"`
	}
	exportStory struct {
		ID          int64     `json:"id"`
		Slug        string    `json:"slug"`
		Section     string    `json:"section"`
		Title       string    `json:"title"`
		AuthorName  string    `json:"author_name,omitempty"`
		Letter      string    `json:"letter"`
		Reply       string    `json:"reply_markdown"`
		AdvisorName string    `json:"advisor_name,omitempty"`
		Signature   string    `json:"signature,omitempty"`
		ContentNote bool      `json:"content_note,omitempty"`
		PublishedAt time.Time `json:"published_at"`
		UpdatedAt   time.Time `json:"updated_at"`
	}
	exportComment struct {
		ID         int64     `json:"id"`
		Story      string    `json:"story"`
		ParentID   int64     `json:"parent_id,omitempty"`
		AuthorName string    `json:"author_name"`
		Body       string    `json:"body"`
		CreatedAt  time.Time `json:"created_at"`
	}
)

// Export writes the site's public content as one JSON document: the
// site's name, its sections, every published story and every approved
// comment. It streams, a batch at a time, so a site of any size exports in
// little memory. progress, when set, hears how many stories and comments
// went so far.
func (s *Service) Export(ctx context.Context, w io.Writer, progress func(stories, comments int)) error {
	site, err := s.SiteSettings(ctx)
	if err != nil {
		return err
	}
	secs, err := s.store.Sections(ctx)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	put := func(s string) error { _, err := io.WriteString(w, s); return err }
	if err := put(`{"format":"confide-export-1","exported_at":`); err != nil {
		return err
	}
	if err := enc.Encode(s.Now()); err != nil {
		return err
	}
	if err := put(`,"site":`); err != nil {
		return err
	}
	if err := enc.Encode(map[string]string{"name": site.SiteName, "tagline": site.Tagline, "mission": site.Mission}); err != nil {
		return err
	}
	if err := put(`,"sections":`); err != nil {
		return err
	}
	out := make([]exportSection, 0, len(secs))
	for _, sec := range secs {
		out = append(out, exportSection{Slug: sec.Slug, Name: sec.Name, Description: sec.Description})
	}
	if err := enc.Encode(out); err != nil {
		return err
	}
	const batch = 500
	var nStories, nComments int
	if err := put(`,"stories":[`); err != nil {
		return err
	}
	for after := int64(0); ; {
		list, err := s.store.PublishedStoriesAfter(ctx, after, batch)
		if err != nil {
			return err
		}
		for _, st := range list {
			if nStories > 0 {
				if err := put(","); err != nil {
					return err
				}
			}
			if err := enc.Encode(exportStory{ID: st.ID, Slug: st.Slug, Section: st.SectionSlug, Title: st.Title, AuthorName: st.AuthorName,
				Letter: st.Letter, Reply: st.Reply, AdvisorName: st.AdvisorName, Signature: st.Signature, ContentNote: st.ContentNote,
				PublishedAt: st.PublishedAt, UpdatedAt: st.UpdatedAt}); err != nil {
				return err
			}
			nStories++
			after = st.ID
		}
		if progress != nil {
			progress(nStories, nComments)
		}
		if len(list) < batch {
			break
		}
	}
	if err := put(`],"comments":[`); err != nil {
		return err
	}
	for after := int64(0); ; {
		list, last, err := s.store.ApprovedCommentsAfter(ctx, after, batch*4)
		if err != nil {
			return err
		}
		if last == 0 {
			break
		}
		for _, c := range list {
			if nComments > 0 {
				if err := put(","); err != nil {
					return err
				}
			}
			if err := enc.Encode(exportComment{ID: c.ID, Story: c.StorySlug, ParentID: c.ParentID, AuthorName: c.AuthorName,
				Body: c.Body, CreatedAt: c.CreatedAt}); err != nil {
				return err
			}
			nComments++
		}
		after = last
		if progress != nil {
			progress(nStories, nComments)
		}
	}
	if err := put("]}\n"); err != nil {
		return err
	}
	return nil
}

// RebuildSearch rebuilds the search indexes and then every story's list of
// related stories; progress hears how many lists are done.
func (s *Service) RebuildSearch(ctx context.Context, progress func(done, total int)) error {
	if err := s.store.RebuildSearch(ctx); err != nil {
		return err
	}
	if err := s.MakeAllRelated(ctx, progress); err != nil {
		return fmt.Errorf("related stories: %w", err)
	}
	return nil
}
