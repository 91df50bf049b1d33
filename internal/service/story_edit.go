package service

import (
	"context"
	"strings"

	"github.com/confide/confide/internal/markup"
	"github.com/confide/confide/internal/model"
)

// StoryInput is what the story editor sends.
type StoryInput struct {
	Title       string
	Slug        string // optional: made from the title when empty
	SectionID   int64
	AuthorName  string
	Letter      string
	Reply       string // Markdown
	AdvisorName string
	Signature   string
	// ContentNoteMode: model.NoteAuto (or ""), NoteOn or NoteOff.
	ContentNoteMode string
}

// AdminStoriesPerPage is the length of the admin story list.
const AdminStoriesPerPage = 25

// AdminStoriesFound bounds the count of a filtered admin list (and so its
// pages): a filter is for finding a story, and counting every match of a
// common word reads every story of a big site.
const AdminStoriesFound = 1000

// AdminStories lists stories of every status for the editors, optionally
// filtered by words in the title and by status.
func (s *Service) AdminStories(ctx context.Context, query, status string, page int) ([]model.Story, model.Pagination, error) {
	switch status {
	case "", model.StoryDraft, model.StoryPublished, model.StoryWithdrawn:
	default:
		return nil, model.Pagination{}, model.Errorf(model.EINVALID, "story_edit.unknown_status", "Status", status)
	}
	if page < 1 {
		return nil, model.Pagination{}, model.ErrNotFound
	}
	list, total, err := s.store.AdminStories(ctx, strings.TrimSpace(query), status, AdminStoriesPerPage, (page-1)*AdminStoriesPerPage,
		AdminStoriesFound)
	if err != nil {
		return nil, model.Pagination{}, err
	}
	p, err := paginate(page, AdminStoriesPerPage, total)
	return list, p, err
}

// StoryForEdit returns a story of any status.
func (s *Service) StoryForEdit(ctx context.Context, id int64) (*model.Story, error) {
	return s.store.StoryByID(ctx, id)
}

func (in *StoryInput) apply(st *model.Story) {
	st.Title = strings.TrimSpace(in.Title)
	st.SectionID = in.SectionID
	st.AuthorName = strings.TrimSpace(in.AuthorName)
	st.Letter = strings.TrimSpace(in.Letter)
	st.Reply = strings.TrimSpace(in.Reply)
	st.AdvisorName = strings.TrimSpace(in.AdvisorName)
	st.Signature = strings.TrimSpace(in.Signature)
	switch in.ContentNoteMode {
	case model.NoteOn, model.NoteOff:
		st.ContentNoteMode = in.ContentNoteMode
	default:
		st.ContentNoteMode = model.NoteAuto
	}
}

// checkEdit adds the editor's rules to validateStory: the section exists, a
// given address is free, and a published story has a reply.
func (s *Service) checkEdit(ctx context.Context, st *model.Story, slug string) error {
	err := validateStory(st)
	fields := map[string]model.Msg{}
	if e, ok := err.(*model.Error); ok {
		fields = e.Fields
	} else if err != nil {
		return err
	}
	if st.SectionID != 0 {
		secs, err := s.store.Sections(ctx)
		if err != nil {
			return err
		}
		found := false
		for _, sec := range secs {
			found = found || sec.ID == st.SectionID
		}
		if !found {
			fields["section"] = model.M("publication.choose_section")
		}
	}
	if slug != "" {
		clean := markup.Slugify(slug)
		if clean != st.Slug {
			taken, err := s.store.StorySlugTaken(ctx, clean)
			if err != nil {
				return err
			}
			if taken {
				fields["slug"] = model.M("publication.another_story_already_has")
			}
			st.Slug = clean
		}
	}
	if st.Status == model.StoryPublished && st.Reply == "" {
		fields["reply"] = model.M("story_edit.write_reply_before_publishing")
	}
	if len(fields) > 0 {
		return &model.Error{Code: model.EINVALID, Message: "story.correct_story", Fields: fields}
	}
	return nil
}

// CreateStory saves a new story as a draft, or publishes it at once.
func (s *Service) CreateStory(ctx context.Context, actor int64, in StoryInput, publish bool) (*model.Story, error) {
	st := &model.Story{Status: model.StoryDraft}
	if publish {
		st.Status = model.StoryPublished
	}
	in.apply(st)
	if err := s.checkEdit(ctx, st, in.Slug); err != nil {
		return nil, err
	}
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.AddStory(ctx, st); err != nil {
			return err
		}
		return s.audit(ctx, actor, "story.create", st.Status+": "+st.Title)
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// UpdateStory saves the editor's changes to a story; its status stays.
func (s *Service) UpdateStory(ctx context.Context, actor, id int64, in StoryInput) (*model.Story, error) {
	var st *model.Story
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if st, err = s.store.StoryByID(ctx, id); err != nil {
			return err
		}
		old := st.Slug
		in.apply(st)
		if err := s.checkEdit(ctx, st, in.Slug); err != nil {
			return err
		}
		st.UpdatedAt = s.Now()
		markContentNote(st)
		if err := s.store.UpdateStory(ctx, st); err != nil {
			return err
		}
		if st.Slug != old && !st.PublishedAt.IsZero() {
			// Readers and search engines know the old address.
			if err := s.store.AddStoryRedirect(ctx, old, st.ID, st.UpdatedAt); err != nil {
				return err
			}
		}
		return s.audit(ctx, actor, "story.update", st.Title)
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// SetStoryStatus publishes a story (dating it now the first time) or takes
// it back to draft, so readers no longer see it.
func (s *Service) SetStoryStatus(ctx context.Context, actor, id int64, status string) (*model.Story, error) {
	if status != model.StoryPublished && status != model.StoryDraft {
		return nil, model.Errorf(model.EINVALID, "story_edit.story_can_published_taken")
	}
	var st *model.Story
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if st, err = s.store.StoryByID(ctx, id); err != nil {
			return err
		}
		st.Status = status
		if err := s.checkEdit(ctx, st, ""); err != nil {
			return err
		}
		now := s.Now()
		if status == model.StoryPublished && st.PublishedAt.IsZero() {
			st.PublishedAt = now
		}
		st.UpdatedAt = now
		markContentNote(st)
		if err := s.store.UpdateStory(ctx, st); err != nil {
			return err
		}
		action := "story.publish"
		if status == model.StoryDraft {
			action = "story.unpublish"
		}
		return s.audit(ctx, actor, action, st.Title)
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// DeleteStory removes a story and its comments for good.
func (s *Service) DeleteStory(ctx context.Context, actor, id int64) error {
	return s.store.InTx(ctx, func(ctx context.Context) error {
		st, err := s.store.StoryByID(ctx, id)
		if err != nil {
			return err
		}
		if err := s.store.DeleteStory(ctx, id); err != nil {
			return err
		}
		return s.audit(ctx, actor, "story.delete", st.Title)
	})
}
