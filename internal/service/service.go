// Package service holds Confide's rules: what readers may see, how stories
// and comments are created and checked. Handlers call it; it calls the store
// through the Store interface it declares, and never imports the store.
package service

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/search"
)

// Store is what the services need of the database. *store.Store implements it.
type Store interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
	Ping(ctx context.Context) error
	ContentState(ctx context.Context) (model.ContentState, error)

	Sections(ctx context.Context) ([]model.Section, error)
	SectionBySlug(ctx context.Context, slug string) (*model.Section, error)
	CreateSection(ctx context.Context, sec *model.Section) error
	SectionByID(ctx context.Context, id int64) (*model.Section, error)
	UpdateSection(ctx context.Context, sec *model.Section) error

	Stories(ctx context.Context, f model.StoryFilter) ([]model.Story, int, error)
	StoryBySlug(ctx context.Context, slug string) (*model.Story, error)
	StorySlugTaken(ctx context.Context, slug string) (bool, error)
	CreateStory(ctx context.Context, st *model.Story) error
	StoryByID(ctx context.Context, id int64) (*model.Story, error)
	UpdateStory(ctx context.Context, st *model.Story) error
	DeleteStory(ctx context.Context, id int64) error
	AdminStories(ctx context.Context, query, status string, limit, offset, countUpTo int) ([]model.Story, int, error)
	SearchStories(ctx context.Context, q search.Query, f model.SearchFilter) ([]model.SearchHit, int, error)
	SearchVersion(ctx context.Context) (int64, error)
	PublishedIDs(ctx context.Context, ids []int64) (map[int64]bool, error)
	PublishedStoriesByID(ctx context.Context, ids []int64) ([]model.Story, error)
	PublishedStoryIDs(ctx context.Context) ([]int64, error)
	RelatedList(ctx context.Context, storyID int64) ([]int64, int64, error)
	SaveRelatedList(ctx context.Context, storyID int64, ids []int64, version int64, at time.Time) error

	CommentStore
	LetterStore

	CreateUser(ctx context.Context, u *model.User) error
	UserByEmail(ctx context.Context, email string) (*model.User, error)
	UserByID(ctx context.Context, id int64) (*model.User, error)
	CountUsers(ctx context.Context) (int, error)
	Users(ctx context.Context) ([]model.User, error)
	SetTwoFactor(ctx context.Context, id int64, secret string, codeHashes []string, at time.Time) error
	AcceptTOTPStep(ctx context.Context, id, step int64) (bool, error)
	UseRecoveryCode(ctx context.Context, id int64, hash string, at time.Time) (bool, error)
	RecoveryCodesLeft(ctx context.Context, id int64) (int, error)
	UpdateUser(ctx context.Context, u *model.User) error
	SetPassword(ctx context.Context, id int64, hash string, at time.Time) error
	CreatePasswordToken(ctx context.Context, t *model.PasswordToken) error
	PasswordToken(ctx context.Context, hash string) (*model.PasswordToken, error)
	UsePasswordToken(ctx context.Context, hash string, at time.Time) error
	RecordLoginFailure(ctx context.Context, at time.Time, scopes ...string) error
	LoginFailures(ctx context.Context, scope string, since time.Time) (int, error)
	ClearLoginFailures(ctx context.Context, scope string, before time.Time) error
	Audit(ctx context.Context, e *model.AuditEntry) error
	AuditLog(ctx context.Context, limit, offset int) ([]model.AuditEntry, int, error)

	Counts(ctx context.Context) (model.Counts, error)

	EnqueueMail(ctx context.Context, m *model.OutboxMessage) error
	ClaimMail(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]model.OutboxMessage, error)
	MarkMailSent(ctx context.Context, id int64, at time.Time) error
	MarkMailFailed(ctx context.Context, id int64, next time.Time, lastErr string, final bool) error
	Outbox(ctx context.Context, limit, offset int) ([]model.OutboxMessage, int, error)
	OutboxMessage(ctx context.Context, id int64) (*model.OutboxMessage, error)

	SitemapStore

	Settings(ctx context.Context) (map[string]string, error)
	SetSetting(ctx context.Context, key, value string) error
	PageBySlug(ctx context.Context, slug string) (*model.Page, error)
	SavePage(ctx context.Context, p *model.Page) error
}

// Options configure a Service.
type Options struct {
	Now     func() time.Time // the clock; nil means time.Now
	BaseURL string           // the site's public URL, for links and Message-IDs in e-mails
	// MailRetryBase is the wait after a message's first failed attempt; it
	// doubles with each attempt (0 means a minute).
	MailRetryBase time.Duration
	// Search bounds the work of searches; the zero value is the default.
	Search SearchLimits
	// Secret keys the hashes of client addresses and signs form keys; it
	// never enters the database. Without one, visitors cannot post.
	Secret []byte
}

// Service is the domain layer. Create it with New.
type Service struct {
	store Store
	now   func() time.Time
	opts  Options

	version versionCache
	related relatedCache
	gate    *searchGate
}

// VersionMaxAge is how long the service trusts the content state it last
// read. Changes made through this process are seen at once (see
// ContentChanged); changes made by another instance on the same database are
// seen within this time.
const VersionMaxAge = 100 * time.Millisecond

type versionCache struct {
	mu    sync.Mutex
	v     model.ContentState
	read  time.Time // monotonic: when v was read
	dirty atomic.Bool

	// changes are the latest page changes, oldest first; they tell every
	// change after changesFrom up to v.Changes.
	changes     []model.PageChange
	changesFrom int64
}

// keptChanges is how many page changes the service remembers; a cache
// further behind than that drops everything it holds.
const keptChanges = 4096

// New returns a Service on st.
func New(st Store, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.BaseURL == "" {
		opts.BaseURL = "http://localhost"
	}
	if opts.MailRetryBase == 0 {
		opts.MailRetryBase = time.Minute
	}
	return &Service{store: st, now: opts.Now, opts: opts, gate: newSearchGate(opts.Search)}
}

// Now is the service's clock, in UTC.
func (s *Service) Now() time.Time { return s.now().UTC() }

// Health checks that the database answers.
func (s *Service) Health(ctx context.Context) error { return s.store.Ping(ctx) }

// ContentState tells caches of pages and page parts what changed: Version
// goes up when anything may change every page (a story, a setting), and
// Changes with each change to one story's comments, whose story
// StoriesChanged names. It reads the database at most every VersionMaxAge,
// and at once after a local change, so that a page served from cache costs
// no query.
func (s *Service) ContentState(ctx context.Context) (model.ContentState, error) {
	c := &s.version
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.dirty.Load() && !c.read.IsZero() && time.Since(c.read) < VersionMaxAge {
		return c.v, nil
	}
	c.dirty.Store(false)
	v, err := s.store.ContentState(ctx)
	if err != nil {
		c.dirty.Store(true)
		return model.ContentState{}, err
	}
	if c.read.IsZero() {
		c.changesFrom = v.Changes
	} else if v.Changes > c.v.Changes {
		s.readChanges(ctx, c, v.Changes)
	}
	c.v, c.read = v, time.Now()
	return v, nil
}

// readChanges reads the page changes up to upTo into c; when there are too
// many to keep, it forgets the older ones.
func (s *Service) readChanges(ctx context.Context, c *versionCache, upTo int64) {
	after := c.v.Changes
	for after < upTo {
		list, err := s.store.PageChanges(ctx, after, 1000)
		if err != nil || len(list) == 0 {
			// Unreadable or pruned: no cache can know what changed.
			c.changes, c.changesFrom = nil, upTo
			return
		}
		c.changes = append(c.changes, list...)
		after = list[len(list)-1].Seq
	}
	if n := len(c.changes); n > keptChanges {
		c.changesFrom = c.changes[n-keptChanges-1].Seq
		c.changes = append([]model.PageChange(nil), c.changes[n-keptChanges:]...)
	}
}

// StoriesChanged returns the stories whose pages changed after the state
// from, up to the state to, and whether it knows them all (a cache that
// fell too far behind must drop everything).
func (s *Service) StoriesChanged(from, to int64) (ids []int64, complete bool) {
	c := &s.version
	c.mu.Lock()
	defer c.mu.Unlock()
	if from < c.changesFrom {
		return nil, false
	}
	seen := map[int64]bool{}
	for _, ch := range c.changes {
		if ch.Seq > from && ch.Seq <= to && !seen[ch.StoryID] {
			seen[ch.StoryID] = true
			ids = append(ids, ch.StoryID)
		}
	}
	return ids, true
}

// ContentChanged tells the service that content changed through this
// process; the next ContentState reads the database. The store calls it
// after every committed change.
func (s *Service) ContentChanged() { s.version.dirty.Store(true) }

// paginate checks a requested page number against a total: page 1 always
// exists, a page past the end does not.
func paginate(number, size, total int) (model.Pagination, error) {
	p := model.Pagination{Number: number, Size: size, Total: total}
	if number < 1 || (number > 1 && number > p.Pages()) {
		return p, model.Errorf(model.ENOTFOUND, "There is no page %d here.", number)
	}
	return p, nil
}
