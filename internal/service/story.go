package service

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/confide/confide/internal/markup"
	"github.com/confide/confide/internal/model"
)

// StoriesPerPage is how many stories a listing shows.
const StoriesPerPage = 10

// How far back the pagers of story lists go. A page far back costs a walk
// over every story before it (60 ms at page 10,000 of the home page of a
// site of 100,000 stories); older stories are reached through their
// section, search and the sitemap.
const (
	HomePages    = 500
	SectionPages = 3000
)

// capPages bounds a list's total to the stories its pager offers.
func capPages(total, pages int) int { return min(total, pages*StoriesPerPage) }

// LatestStories returns one page of published stories across all sections.
func (s *Service) LatestStories(ctx context.Context, page int) ([]model.Story, model.Pagination, error) {
	if page < 1 || page > HomePages {
		return nil, model.Pagination{}, model.Errorf(model.ENOTFOUND, "error.no_page", "Page", page)
	}
	list, total, err := s.store.Stories(ctx, model.StoryFilter{Status: model.StoryPublished,
		Limit: StoriesPerPage, Offset: (page - 1) * StoriesPerPage})
	if err != nil {
		return nil, model.Pagination{}, err
	}
	p, err := paginate(page, StoriesPerPage, capPages(total, HomePages))
	return list, p, err
}

// SectionStories returns a section and one page of its published stories.
func (s *Service) SectionStories(ctx context.Context, slug string, page int) (*model.Section, []model.Story, model.Pagination, error) {
	sec, err := s.store.SectionBySlug(ctx, slug)
	if err != nil {
		return nil, nil, model.Pagination{}, err
	}
	if page < 1 || page > SectionPages {
		return nil, nil, model.Pagination{}, model.Errorf(model.ENOTFOUND, "error.no_page", "Page", page)
	}
	list, total, err := s.store.Stories(ctx, model.StoryFilter{Status: model.StoryPublished, SectionID: sec.ID,
		Limit: StoriesPerPage, Offset: (page - 1) * StoriesPerPage})
	if err != nil {
		return nil, nil, model.Pagination{}, err
	}
	sec.StoryCount = total
	p, err := paginate(page, StoriesPerPage, capPages(total, SectionPages))
	return sec, list, p, err
}

// PublishedStory returns a published story. Drafts and withdrawn stories
// are not found, exactly as if they did not exist.
//
// A story its writer withdrew answers a gone error, and an old address of
// a story whose slug changed a *StoryMoved with its current slug.
func (s *Service) PublishedStory(ctx context.Context, slug string) (*model.Story, error) {
	st, err := s.store.StoryBySlug(ctx, slug)
	if model.ErrorCode(err) == model.ENOTFOUND {
		id, rerr := s.store.StoryRedirect(ctx, slug)
		if rerr != nil {
			return nil, err
		}
		if st, rerr = s.store.StoryByID(ctx, id); rerr == nil && st.IsPublished() {
			return nil, &StoryMoved{Slug: st.Slug}
		}
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	if st.Status == model.StoryWithdrawn {
		return nil, storyGone
	}
	if !st.IsPublished() {
		return nil, model.ErrNotFound
	}
	return st, nil
}

// FeedSize is how many stories a feed carries.
const FeedSize = 20

// FeedStories returns the newest published stories with their replies, of
// one section when sectionSlug is set (and that section), or of all.
func (s *Service) FeedStories(ctx context.Context, sectionSlug string) (*model.Section, []model.Story, error) {
	f := model.StoryFilter{Status: model.StoryPublished, Limit: FeedSize, WithReply: true}
	var sec *model.Section
	if sectionSlug != "" {
		var err error
		if sec, err = s.store.SectionBySlug(ctx, sectionSlug); err != nil {
			return nil, nil, err
		}
		f.SectionID = sec.ID
	}
	list, _, err := s.store.Stories(ctx, f)
	return sec, list, err
}

// Sections lists every section with its count of published stories.
func (s *Service) Sections(ctx context.Context) ([]model.Section, error) {
	return s.store.Sections(ctx)
}

// AddSection creates a section from a name; the slug is made from the name
// when empty.
func (s *Service) AddSection(ctx context.Context, sec *model.Section) error {
	sec.Name = strings.TrimSpace(sec.Name)
	if sec.Name == "" {
		return &model.Error{Code: model.EINVALID, Message: "story.give_section_name",
			Fields: map[string]model.Msg{"name": model.M("account.name_required")}}
	}
	if sec.Slug == "" {
		sec.Slug = markup.Slugify(sec.Name)
	}
	if sec.CreatedAt.IsZero() {
		sec.CreatedAt = s.Now()
	}
	return s.store.CreateSection(ctx, sec)
}

// AddStory checks a story and stores it with a unique slug made from its
// title. Times left zero are set from the clock.
func (s *Service) AddStory(ctx context.Context, st *model.Story) error {
	if err := validateStory(st); err != nil {
		return err
	}
	now := s.Now()
	if st.CreatedAt.IsZero() {
		st.CreatedAt = now
	}
	if st.UpdatedAt.IsZero() {
		st.UpdatedAt = st.CreatedAt
	}
	if st.Status == model.StoryPublished && st.PublishedAt.IsZero() {
		st.PublishedAt = now
	}
	return s.store.InTx(ctx, func(ctx context.Context) error {
		slug, err := s.uniqueSlug(ctx, st.Slug, st.Title)
		if err != nil {
			return err
		}
		st.Slug = slug
		markContentNote(st)
		return s.store.CreateStory(ctx, st)
	})
}

// StoryTextMax bounds a story's letter and its reply, in characters: ten
// times the longest letter /share takes, far above any reply written.
const StoryTextMax = 200000

func validateStory(st *model.Story) error {
	fields := map[string]model.Msg{}
	st.Title = strings.TrimSpace(st.Title)
	switch {
	case st.Title == "":
		fields["title"] = model.M("site.title_required")
	case utf8.RuneCountInString(st.Title) > 200:
		fields["title"] = model.M("publication.keep_title_under_200")
	}
	if strings.TrimSpace(st.Letter) == "" && !st.Imported {
		// An imported post that was not divided is all reply (the
		// advisor may move the letter out of it later).
		fields["letter"] = model.M("publication.letter_empty")
	} else if n := utf8.RuneCountInString(st.Letter); n > StoryTextMax {
		fields["letter"] = model.M("story.letter_too_long", "Count", n, "Max", StoryTextMax)
	}
	if n := utf8.RuneCountInString(st.Reply); n > StoryTextMax {
		fields["reply"] = model.M("story.reply_too_long", "Count", n, "Max", StoryTextMax)
	}
	if utf8.RuneCountInString(st.AuthorName) > NameMaxLength || badNameChars(st.AuthorName) {
		fields["author_name"] = model.M("story.name_up_60_characters")
	}
	for field, v := range map[string]string{"advisor_name": st.AdvisorName, "signature": st.Signature} {
		if utf8.RuneCountInString(v) > 200 || badNameChars(v) {
			fields[field] = model.M("story.slug_rule")
		}
	}
	if st.SectionID == 0 {
		fields["section"] = model.M("publication.choose_section")
	}
	switch st.Status {
	case model.StoryDraft, model.StoryPublished, model.StoryWithdrawn:
	default:
		fields["status"] = model.M("story.unknown_state", "State", st.Status)
	}
	if len(fields) > 0 {
		return &model.Error{Code: model.EINVALID, Message: "story.correct_story", Fields: fields}
	}
	return nil
}

// uniqueSlug returns want (or a slug made from title) with "-2", "-3", …
// added until no story has it.
func (s *Service) uniqueSlug(ctx context.Context, want, title string) (string, error) {
	base := want
	if base == "" {
		base = markup.Slugify(title)
	}
	slug := base
	for i := 2; ; i++ {
		taken, err := s.store.StorySlugTaken(ctx, slug)
		if err != nil {
			return "", err
		}
		if !taken {
			return slug, nil
		}
		slug = fmt.Sprintf("%s-%d", base, i)
	}
}
