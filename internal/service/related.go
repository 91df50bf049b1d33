package service

import (
	"context"
	"log/slog"
	"sync"

	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/search"
)

// RelatedCount is how many related stories a story page shows.
const RelatedCount = 5

// relatedCacheSize bounds the cache of related-stories lists; past it the
// cache starts again empty (a list costs one search to rebuild).
const relatedCacheSize = 50000

// relatedCache holds each story's related stories and the search version
// they were made at. When a story changes, every list is stale but still
// served, less any story no longer published, while it is made again in
// the background, one at a time: a publish on a site of 100,000 stories must
// not cost 100,000 searches at once.
type relatedCache struct {
	mu         sync.Mutex
	lists      map[int64]relatedList
	refreshing map[int64]bool
	busy       chan struct{} // one background refresh at a time
	wg         sync.WaitGroup
}

type relatedList struct {
	version int64
	stories []model.Story
}

// RelatedStories returns up to RelatedCount published stories most like st,
// best first.
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
	if !ok {
		list, err := s.computeRelated(ctx, st, version)
		return list, err
	}
	// Stale: drop what is no longer published, and refresh in the background.
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
	s.refreshRelated(*st)
	return list, nil
}

func storyIDs(list []model.Story) []int64 {
	ids := make([]int64, len(list))
	for i, st := range list {
		ids[i] = st.ID
	}
	return ids
}

// computeRelated runs the search behind st's related stories and caches it
// as made at version.
func (s *Service) computeRelated(ctx context.Context, st *model.Story, version int64) ([]model.Story, error) {
	q := search.Related(st.Title, st.Letter+"\n"+st.Reply)
	hits, _, err := s.store.SearchStories(ctx, q, model.SearchFilter{
		Status: model.StoryPublished, ExcludeID: st.ID, Limit: RelatedCount, MaxTotal: MaxSearchResults + 1, NoSnippet: true,
	})
	if err != nil {
		return nil, err
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
	return list, nil
}

// refreshRelated makes st's list again in the background, unless a refresh
// is already running (the next view of a stale list asks again).
func (s *Service) refreshRelated(st model.Story) {
	c := &s.related
	c.mu.Lock()
	if c.busy == nil {
		c.busy = make(chan struct{}, 1)
	}
	c.mu.Unlock()
	select {
	case c.busy <- struct{}{}:
	default:
		return
	}
	c.wg.Add(1)
	go func() {
		defer func() { <-c.busy; c.wg.Done() }()
		ctx := context.Background()
		version, err := s.store.SearchVersion(ctx)
		if err == nil {
			_, err = s.computeRelated(ctx, &st, version)
		}
		if err != nil {
			slog.Warn("related stories: refresh failed", "story", st.ID, "err", err)
		}
	}()
}

// WaitRelated waits for background refreshes of related stories to finish
// (tests and shutdown).
func (s *Service) WaitRelated() { s.related.wg.Wait() }

// ForgetRelated empties the related-stories cache (benchmarks measure the
// cold path with it).
func (s *Service) ForgetRelated() {
	s.related.mu.Lock()
	s.related.lists = nil
	s.related.mu.Unlock()
}
