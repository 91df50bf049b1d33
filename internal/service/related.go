package service

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/search"
)

// RelatedCount is how many related stories a story page shows.
const RelatedCount = 5

// relatedCacheSize bounds the cache of related-stories lists; past it the
// cache starts again empty (a list costs one search to rebuild).
const relatedCacheSize = 50000

// relatedQueueSize bounds the stories waiting for their list; a story left
// out is queued again at its next view.
const relatedQueueSize = 1000

// relatedDuty is the share of one core the background maker of lists may
// use: after each list it rests for (1/relatedDuty − 1) times as long as the
// list took, so readers' pages always come first.
const relatedDuty = 0.25

// relatedCache holds each story's related stories and the search version
// they were made at. Lists are made in the background, one at a time, never
// while a reader waits: on a big site one list is a search over every story
// (tens of milliseconds), and after a restart or a publish every story needs
// one. Until its list is made a story page shows none; a stale list is shown,
// less any story no longer published, until it is made again.
type relatedCache struct {
	mu      sync.Mutex
	lists   map[int64]relatedList
	queue   []relatedJob
	pending map[int64]bool
	running bool
	stopped bool
	wg      sync.WaitGroup
	ready   func(slug string) // called when a story's list was made
}

// relatedJob is a story waiting for its list: only its id and slug, so a
// long queue holds no letters.
type relatedJob struct {
	id   int64
	slug string
}

type relatedList struct {
	version int64
	stories []model.Story
}

// OnRelatedReady registers fn to be called (from the background) when the
// list of the story with this slug has been made, so a cached page can be
// dropped and rendered again with it.
func (s *Service) OnRelatedReady(fn func(slug string)) {
	s.related.mu.Lock()
	s.related.ready = fn
	s.related.mu.Unlock()
}

// RelatedStories returns up to RelatedCount published stories most like st,
// best first, as far as they are known now (see relatedCache).
func (s *Service) RelatedStories(ctx context.Context, st *model.Story) ([]model.Story, error) {
	version, err := s.store.SearchVersion(ctx)
	if err != nil {
		return nil, err
	}
	c := &s.related
	c.mu.Lock()
	cached, ok := c.lists[st.ID]
	c.mu.Unlock()
	if ok && cached.version >= version {
		return cached.stories, nil
	}
	s.queueRelated(st.ID, st.Slug)
	if !ok {
		return nil, nil
	}
	// Stale: drop what is no longer published.
	live, err := s.store.PublishedIDs(ctx, storyIDs(cached.stories))
	if err != nil {
		return nil, err
	}
	var list []model.Story
	for _, r := range cached.stories {
		if live[r.ID] {
			list = append(list, r)
		}
	}
	return list, nil
}

func storyIDs(list []model.Story) []int64 {
	ids := make([]int64, len(list))
	for i, st := range list {
		ids[i] = st.ID
	}
	return ids
}

// queueRelated asks for st's list to be made, and starts the maker if it
// is not running.
func (s *Service) queueRelated(id int64, slug string) {
	c := &s.related
	c.mu.Lock()
	if c.pending == nil {
		c.pending = map[int64]bool{}
	}
	if c.stopped || c.pending[id] || len(c.queue) >= relatedQueueSize {
		c.mu.Unlock()
		return
	}
	c.pending[id] = true
	c.queue = append(c.queue, relatedJob{id: id, slug: slug})
	start := !c.running
	if start {
		c.running = true
		c.wg.Add(1)
	}
	c.mu.Unlock()
	if start {
		go s.makeRelated()
	}
}

// makeRelated makes the queued lists one at a time, resting between them,
// and stops when the queue is empty.
func (s *Service) makeRelated() {
	c := &s.related
	defer c.wg.Done()
	for {
		c.mu.Lock()
		if len(c.queue) == 0 || c.stopped {
			c.running = false
			c.mu.Unlock()
			return
		}
		job := c.queue[0]
		c.queue = c.queue[1:]
		c.mu.Unlock()

		start := time.Now()
		ctx := context.Background()
		st, err := s.store.StoryByID(ctx, job.id)
		if err == nil {
			err = s.computeRelated(ctx, st)
		}
		took := time.Since(start)

		c.mu.Lock()
		delete(c.pending, job.id)
		ready := c.ready
		c.mu.Unlock()
		if err != nil && !errors.Is(err, model.ErrNotFound) {
			slog.Warn("related stories: making a list failed", "story", job.id, "err", err)
		} else if err == nil && ready != nil {
			ready(job.slug)
		}
		time.Sleep(time.Duration(float64(took) * (1/relatedDuty - 1)))
	}
}

// computeRelated runs the search behind st's related stories and caches it.
func (s *Service) computeRelated(ctx context.Context, st *model.Story) error {
	version, err := s.store.SearchVersion(ctx)
	if err != nil {
		return err
	}
	q := search.Related(st.Title, st.Letter+"\n"+st.Reply)
	hits, _, err := s.store.SearchStories(ctx, q, model.SearchFilter{
		Status: model.StoryPublished, ExcludeID: st.ID, Limit: RelatedCount, MaxTotal: MaxSearchResults + 1, NoSnippet: true,
	})
	if err != nil {
		return err
	}
	// Keep only what the list shows: a cached list must not hold five
	// letters for every story of the site.
	list := make([]model.Story, len(hits))
	for i, h := range hits {
		list[i] = model.Story{ID: h.Story.ID, Slug: h.Story.Slug, Title: h.Story.Title, SectionID: h.Story.SectionID,
			SectionSlug: h.Story.SectionSlug, SectionName: h.Story.SectionName, PublishedAt: h.Story.PublishedAt}
	}
	c := &s.related
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lists == nil || len(c.lists) >= relatedCacheSize {
		c.lists = map[int64]relatedList{}
	}
	if old, ok := c.lists[st.ID]; !ok || old.version <= version {
		c.lists[st.ID] = relatedList{version: version, stories: list}
	}
	return nil
}

// StopRelated drops the lists waiting to be made and waits for the one
// being made (shutdown): no list is made after it returns.
func (s *Service) StopRelated() {
	c := &s.related
	c.mu.Lock()
	c.stopped, c.queue = true, nil
	c.mu.Unlock()
	c.wg.Wait()
}

// WaitRelated waits until no list is being made or waiting (tests,
// benchmarks and shutdown).
func (s *Service) WaitRelated() { s.related.wg.Wait() }

// ForgetRelated empties the related-stories cache (benchmarks measure the
// cold path with it).
func (s *Service) ForgetRelated() {
	s.related.mu.Lock()
	s.related.lists = nil
	s.related.mu.Unlock()
}
