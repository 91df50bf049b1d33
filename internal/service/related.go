package service

import (
	"context"
	"errors"
	"fmt"
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
	if !ok {
		// Made before this process started, or by another instance.
		if cached, ok, err = s.storedRelated(ctx, st.ID); err != nil {
			return nil, err
		}
	}
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

// storedRelated reads the list kept in the database for story id into the
// cache; ok is false when there is none.
func (s *Service) storedRelated(ctx context.Context, id int64) (list relatedList, ok bool, err error) {
	ids, version, err := s.store.RelatedList(ctx, id)
	if errors.Is(err, model.ErrNotFound) {
		return relatedList{}, false, nil
	}
	if err != nil {
		return relatedList{}, false, err
	}
	stories, err := s.store.PublishedStoriesByID(ctx, ids)
	if err != nil {
		return relatedList{}, false, err
	}
	list = relatedList{version: version, stories: relatedEntries(stories)}
	s.cacheRelated(id, list)
	return list, true, nil
}

// relatedEntries keeps only what a related list shows: a cached list must
// not hold five letters for every story of the site.
func relatedEntries(stories []model.Story) []model.Story {
	list := make([]model.Story, len(stories))
	for i, st := range stories {
		list[i] = model.Story{ID: st.ID, Slug: st.Slug, Title: st.Title, SectionID: st.SectionID,
			SectionSlug: st.SectionSlug, SectionName: st.SectionName, PublishedAt: st.PublishedAt}
	}
	return list
}

// cacheRelated keeps list as story id's, unless a later one is cached.
func (s *Service) cacheRelated(id int64, list relatedList) {
	c := &s.related
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lists == nil || len(c.lists) >= relatedCacheSize {
		c.lists = map[int64]relatedList{}
	}
	if old, ok := c.lists[id]; !ok || old.version <= list.version {
		c.lists[id] = list
	}
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
		err := s.MakeRelated(context.Background(), job.id)
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

// MakeRelated makes the related stories of story id now, unless a list at
// the current search version is kept already. Readers never wait for it: the
// background maker calls it, and so do importers and benchmarks that fill a
// site at once.
func (s *Service) MakeRelated(ctx context.Context, id int64) error {
	st, err := s.store.StoryByID(ctx, id)
	if err != nil {
		return err
	}
	return s.computeRelated(ctx, st)
}

// MakeAllRelated makes the related stories of every published story now
// (a demo site or a bulk import, before readers come), telling progress how
// far it is.
func (s *Service) MakeAllRelated(ctx context.Context, progress func(done, total int)) error {
	ids, err := s.store.PublishedStoryIDs(ctx)
	if err != nil {
		return err
	}
	for i, id := range ids {
		if err := s.MakeRelated(ctx, id); err != nil {
			return fmt.Errorf("related stories of story %d: %w", id, err)
		}
		if progress != nil {
			progress(i+1, len(ids))
		}
	}
	return nil
}

// computeRelated makes st's related stories, keeps them in the database
// and caches them; a list another instance kept meanwhile is taken instead.
func (s *Service) computeRelated(ctx context.Context, st *model.Story) error {
	version, err := s.store.SearchVersion(ctx)
	if err != nil {
		return err
	}
	if kept, ok, err := s.storedRelated(ctx, st.ID); err != nil || ok && kept.version >= version {
		return err
	}
	q := search.Related(st.Title, st.Letter+"\n"+st.Reply)
	hits, _, err := s.store.SearchStories(ctx, q, model.SearchFilter{
		Status: model.StoryPublished, ExcludeID: st.ID, Limit: RelatedCount, MaxTotal: MaxSearchResults + 1, NoSnippet: true,
	})
	if err != nil {
		return err
	}
	stories := make([]model.Story, len(hits))
	for i, h := range hits {
		stories[i] = h.Story
	}
	list := relatedList{version: version, stories: relatedEntries(stories)}
	if err := s.store.InTx(ctx, func(ctx context.Context) error {
		return s.store.SaveRelatedList(ctx, st.ID, storyIDs(list.stories), version, s.Now())
	}); err != nil {
		return err
	}
	s.cacheRelated(st.ID, list)
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

// ForgetRelated empties the in-memory cache of related lists, as a restart
// does; the lists kept in the database stay (benchmarks use it).
func (s *Service) ForgetRelated() {
	s.related.mu.Lock()
	s.related.lists = nil
	s.related.mu.Unlock()
}
