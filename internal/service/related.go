package service

import (
	"context"
	"sync"

	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/search"
)

// RelatedCount is how many related stories a story page shows.
const RelatedCount = 5

// relatedCacheSize bounds the cache of related-stories lists; past it the
// cache starts again empty (a list costs one search to rebuild).
const relatedCacheSize = 50000

// relatedCache holds each story's related stories for one search version:
// any change to a story's text or status makes every list stale, so a
// story that is unpublished leaves every list at once.
type relatedCache struct {
	mu      sync.Mutex
	version int64
	lists   map[int64][]model.Story
}

// RelatedStories returns up to RelatedCount published stories most like st,
// best first: from the cache when no story has changed since it was made.
func (s *Service) RelatedStories(ctx context.Context, st *model.Story) ([]model.Story, error) {
	version, err := s.store.SearchVersion(ctx)
	if err != nil {
		return nil, err
	}
	c := &s.related
	c.mu.Lock()
	if version > c.version {
		c.version, c.lists = version, nil
	}
	list, ok := c.lists[st.ID]
	ok = ok && version == c.version
	c.mu.Unlock()
	if ok {
		return list, nil
	}

	q := search.Related(st.Title, st.Letter+"\n"+st.Reply)
	hits, _, err := s.store.SearchStories(ctx, q, model.SearchFilter{
		Status: model.StoryPublished, ExcludeID: st.ID, Limit: RelatedCount, MaxTotal: 1,
	})
	if err != nil {
		return nil, err
	}
	list = make([]model.Story, len(hits))
	for i, h := range hits {
		list[i] = h.Story
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	// Keep the list only if no story changed while it was being made.
	if c.version == version {
		if c.lists == nil || len(c.lists) >= relatedCacheSize {
			c.lists = map[int64][]model.Story{}
		}
		c.lists[st.ID] = list
	}
	return list, nil
}

// ForgetRelated empties the related-stories cache (benchmarks measure the
// cold path with it).
func (s *Service) ForgetRelated() {
	s.related.mu.Lock()
	s.related.lists = nil
	s.related.mu.Unlock()
}
