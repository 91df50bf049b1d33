// Package service holds Confide's rules: what readers may see, how stories
// and comments are created and checked. Handlers call it; it calls the store
// through the Store interface it declares, and never imports the store.
package service

import (
	"context"
	"time"

	"github.com/confide/confide/internal/model"
)

// Store is what the services need of the database. *store.Store implements it.
type Store interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
	Ping(ctx context.Context) error

	Sections(ctx context.Context) ([]model.Section, error)
	SectionBySlug(ctx context.Context, slug string) (*model.Section, error)
	CreateSection(ctx context.Context, sec *model.Section) error

	Stories(ctx context.Context, f model.StoryFilter) ([]model.Story, int, error)
	StoryBySlug(ctx context.Context, slug string) (*model.Story, error)
	StorySlugTaken(ctx context.Context, slug string) (bool, error)
	CreateStory(ctx context.Context, st *model.Story) error
	PublishedStamps(ctx context.Context, limit int) ([]model.StoryStamp, error)
	SearchStoriesSimple(ctx context.Context, words []string, sectionID int64, limit, offset int) ([]model.Story, int, error)

	StoryComments(ctx context.Context, storyID int64, status string) ([]model.Comment, error)
	LatestComments(ctx context.Context, limit, offset int, count bool) ([]model.Comment, int, error)
	CreateComment(ctx context.Context, c *model.Comment) error

	Settings(ctx context.Context) (map[string]string, error)
	SetSetting(ctx context.Context, key, value string) error
	PageBySlug(ctx context.Context, slug string) (*model.Page, error)
	SavePage(ctx context.Context, p *model.Page) error
}

// Service is the domain layer. Create it with New.
type Service struct {
	store Store
	now   func() time.Time
}

// New returns a Service on st. now is the clock (time.Now in production; a
// fixed clock in tests).
func New(st Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: st, now: now}
}

// Now is the service's clock, in UTC.
func (s *Service) Now() time.Time { return s.now().UTC() }

// Health checks that the database answers.
func (s *Service) Health(ctx context.Context) error { return s.store.Ping(ctx) }

// paginate checks a requested page number against a total: page 1 always
// exists, a page past the end does not.
func paginate(number, size, total int) (model.Pagination, error) {
	p := model.Pagination{Number: number, Size: size, Total: total}
	if number < 1 || (number > 1 && number > p.Pages()) {
		return p, model.Errorf(model.ENOTFOUND, "There is no page %d here.", number)
	}
	return p, nil
}
