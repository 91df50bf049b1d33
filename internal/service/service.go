// Package service holds Confide's rules: what readers may see, how stories
// and comments are created and checked. Handlers call it; it calls the store
// through the Store interface it declares, and never imports the store.
package service

import (
	"context"
	"fmt"
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
	PendingMigrations(ctx context.Context) ([]string, error)
	WorkWaiting(ctx context.Context) (model.WorkWaiting, error)
	ContentState(ctx context.Context, since int64) (model.ContentMark, error)

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
	PublicationStore
	MailInStore
	ContentNoteStore
	PersonalDataStore
	HelplineStore
	ExportStore
	ReplyTemplateStore
	ImportStore
	SessionStore

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

	mailOut atomic.Bool // see SetMailOut

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
	mu      sync.Mutex         // guards what follows; never held over a query
	reading sync.Mutex         // held by the one request reading the database
	v       model.ContentState // Changes counts the page changes this process learnt of
	read    time.Time          // monotonic: when v was read
	dirty   atomic.Bool

	mark model.ContentMark // what the database said last
	// seen holds the page changes (by seq) learnt of, back to
	// lookbackSeqs before the newest: PostgreSQL may commit a change after
	// a newer one, and a reader that went by seq alone would miss it.
	seen map[int64]bool
	// changes are the latest page changes learnt of, oldest first, each
	// numbered by when this process learnt of it (v.Changes counts them);
	// they tell every change after changesFrom.
	changes     []learntChange
	changesFrom int64
}

type learntChange struct{ n, story int64 }

// keptChanges is how many page changes the service remembers; a cache
// further behind than that drops everything it holds. lookbackSeqs is how
// far behind the newest change one that committed late is still noticed.
const (
	keptChanges  = 4096
	lookbackSeqs = 500
)

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

// WorkWaiting counts the work the site holds, for metrics.
func (s *Service) WorkWaiting(ctx context.Context) (model.WorkWaiting, error) {
	return s.store.WorkWaiting(ctx)
}

// Ready reports whether the site can serve: its database answers and has
// every migration this binary knows.
func (s *Service) Ready(ctx context.Context) error {
	if err := s.store.Ping(ctx); err != nil {
		return err
	}
	pending, err := s.store.PendingMigrations(ctx)
	if err != nil {
		return err
	}
	if len(pending) > 0 {
		return fmt.Errorf("%d migrations not applied yet, the first %s", len(pending), pending[0])
	}
	return nil
}

// ContentState tells caches of pages and page parts what changed: Version
// goes up when anything may change every page (a story, a setting), and
// Changes with each change to one story's comments, whose story
// StoriesChanged names. It reads the database at most every VersionMaxAge,
// and at once after a local change, so that a page served from cache costs
// no query.
//
// One request at a time reads the database. While it does, the others get
// the state read last if it is only past its age: every request of the site
// waiting on that read would stall the whole site for its length, each
// time, ten times a second. After a change made through this process they
// wait instead, so that its writer sees it on the next page.
func (s *Service) ContentState(ctx context.Context) (model.ContentState, error) {
	c := &s.version
	c.mu.Lock()
	if c.fresh() {
		v := c.v
		c.mu.Unlock()
		return v, nil
	}
	last, mayServeLast := c.v, !c.read.IsZero() && !c.dirty.Load()
	c.mu.Unlock()
	if !mayServeLast {
		c.reading.Lock()
	} else if !c.reading.TryLock() {
		return last, nil
	}
	defer c.reading.Unlock()

	c.mu.Lock()
	if c.fresh() { // read by the request this one waited for
		v := c.v
		c.mu.Unlock()
		return v, nil
	}
	c.dirty.Store(false)
	mark, first := c.mark, c.read.IsZero()
	c.mu.Unlock()

	// Only the holder of c.reading changes mark, seen and changes, so the
	// database is read without c.mu held.
	since := mark.MaxSeq - lookbackSeqs
	m, err := s.store.ContentState(ctx, since)
	if err != nil {
		c.dirty.Store(true)
		return model.ContentState{}, err
	}
	if first {
		since = m.MaxSeq - lookbackSeqs
	}
	var list []model.PageChange
	if first || m.MaxSeq != mark.MaxSeq || m.Recent != mark.Recent {
		if list, err = s.store.PageChanges(ctx, since, changesPerRead); err != nil {
			c.dirty.Store(true)
			return model.ContentState{}, err
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.learnChanges(list, first)
	c.mark = m
	c.v.Version, c.read = m.Version, time.Now()
	return c.v, nil
}

// fresh reports whether v may be served without reading the database.
func (c *versionCache) fresh() bool {
	return !c.dirty.Load() && !c.read.IsZero() && time.Since(c.read) < VersionMaxAge
}

// changesPerRead is how many page changes one read of the state brings.
const changesPerRead = 2000

// learnChanges learns the page changes read that it did not know. At the
// first read they are only remembered: no cache holds a page yet.
func (c *versionCache) learnChanges(list []model.PageChange, first bool) {
	if c.seen == nil {
		c.seen = map[int64]bool{}
	}
	for _, ch := range list {
		if c.seen[ch.Seq] {
			continue
		}
		c.seen[ch.Seq] = true
		if !first {
			c.v.Changes++
			c.changes = append(c.changes, learntChange{n: c.v.Changes, story: ch.StoryID})
		}
	}
	if len(list) == changesPerRead && !first {
		// More changes than a read brings: no cache can know them all.
		c.v.Changes++
		c.changes, c.changesFrom = nil, c.v.Changes
	}
	if len(list) > 0 {
		low := list[len(list)-1].Seq - lookbackSeqs
		for seq := range c.seen {
			if seq < low {
				delete(c.seen, seq)
			}
		}
	}
	if n := len(c.changes); n > keptChanges {
		c.changesFrom = c.changes[n-keptChanges-1].n
		c.changes = append([]learntChange(nil), c.changes[n-keptChanges:]...)
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
		if ch.n > from && ch.n <= to && !seen[ch.story] {
			seen[ch.story] = true
			ids = append(ids, ch.story)
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
		return p, model.Errorf(model.ENOTFOUND, "error.no_page", "Page", number)
	}
	return p, nil
}
