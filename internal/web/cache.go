package web

import (
	"container/list"
	"context"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/confide/confide/internal/model"
)

// pageMaxAge bounds how long a cached page lives even when nothing changes,
// so that relative times on it ("5 minutes ago") stay about right.
const pageMaxAge = time.Minute

// pageCache keeps the responses of public pages in memory for one content
// state (see service.ContentState). Every request reads the state, at most
// one small query every 100 ms, so a change made through any instance
// reaches every instance's cache at once: several instances behind a load
// balancer stay one site. A new content version (a story, a setting)
// empties the cache; a comment that appears, changes or goes away drops
// only its story's pages and the lists that count comments. Memory is
// bounded; the least recently used pages go first.
type pageCache struct {
	mu    sync.Mutex
	state model.ContentState
	max   int // bytes
	size  int
	items map[string]*list.Element
	lru   list.List // of *payload, most recent first
	// byStory and lists index the pages a comment change drops.
	byStory map[int64]map[string]bool
	lists   map[string]bool
	// drops remembers when a page was last dropped, so that a page whose
	// rendering began before it is not stored after it.
	drops map[string]time.Time
	// changed tells which stories changed between two states, and whether
	// it knows them all (service.StoriesChanged).
	changed func(from, to int64) ([]int64, bool)
}

func newPageCache(maxBytes int) *pageCache {
	c := &pageCache{max: maxBytes}
	c.flush()
	return c
}

func (c *pageCache) flush() {
	c.items = map[string]*list.Element{}
	c.byStory = map[int64]map[string]bool{}
	c.lists = map[string]bool{}
	c.lru.Init()
	c.size = 0
}

// turn moves the cache to state v: a newer version empties it, newer
// comment changes drop the pages they touch. It reports whether the cache
// may serve and store pages for v (a request that read an older state than
// the cache holds must not).
func (c *pageCache) turn(v model.ContentState) bool {
	if v.Version < c.state.Version || (v.Version == c.state.Version && v.Changes < c.state.Changes) {
		return false
	}
	if v.Version > c.state.Version {
		c.flush()
	} else if v.Changes > c.state.Changes {
		ids, complete := []int64(nil), false
		if c.changed != nil {
			ids, complete = c.changed(c.state.Changes, v.Changes)
		}
		if !complete {
			c.flush()
		} else {
			for key := range c.lists {
				c.remove(key)
			}
			for _, id := range ids {
				for key := range c.byStory[id] {
					c.remove(key)
				}
			}
		}
	}
	c.state = v
	return true
}

// stillValid reports whether a page rendered for state v is valid in the
// cache's state, moving the cache to v first when v is newer. Under a steady
// stream of comments the state moves every few hundred milliseconds, often
// while a page renders; a page whose story no change since v touched (and
// that lists no comments of other stories) is still right, and is kept.
func (c *pageCache) stillValid(v model.ContentState, p *payload) bool {
	if c.turn(v) {
		return true
	}
	if v.Version != c.state.Version || p.lists || c.changed == nil {
		return false
	}
	ids, complete := c.changed(v.Changes, c.state.Changes)
	if !complete {
		return false
	}
	for _, id := range ids {
		if id == p.story {
			return false
		}
	}
	return true
}

// remove takes one page out, with its index entries.
func (c *pageCache) remove(key string) {
	e, ok := c.items[key]
	if !ok {
		return
	}
	p := e.Value.(*payload)
	c.size -= p.cost()
	c.lru.Remove(e)
	delete(c.items, key)
	delete(c.lists, key)
	if p.story != 0 {
		delete(c.byStory[p.story], key)
		if len(c.byStory[p.story]) == 0 {
			delete(c.byStory, p.story)
		}
	}
}

func (c *pageCache) get(v model.ContentState, key string) *payload {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.turn(v)
	if e, ok := c.items[key]; ok {
		p := e.Value.(*payload)
		if !c.stillValid(v, p) {
			return nil // the request read an older state, for which this page is wrong
		}
		if time.Since(p.made) > pageMaxAge {
			c.remove(key)
			return nil
		}
		c.lru.MoveToFront(e)
		return p
	}
	return nil
}

// put stores p, rendered from since on, for state v.
func (c *pageCache) put(v model.ContentState, p *payload, since time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p.cost() > c.max/8 || !c.stillValid(v, p) {
		return
	}
	if at, ok := c.drops[p.key]; ok && !at.Before(since) {
		return
	}
	c.remove(p.key)
	c.items[p.key] = c.lru.PushFront(p)
	c.size += p.cost()
	if p.lists {
		c.lists[p.key] = true
	}
	if p.story != 0 {
		if c.byStory[p.story] == nil {
			c.byStory[p.story] = map[string]bool{}
		}
		c.byStory[p.story][p.key] = true
	}
	for c.size > c.max {
		c.remove(c.lru.Back().Value.(*payload).key)
	}
}

// drop removes the page stored under key, if any.
func (c *pageCache) drop(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.drops == nil || len(c.drops) >= 10000 {
		c.drops = map[string]time.Time{}
	}
	c.drops[key] = time.Now()
	c.remove(key)
}

type stateKey struct{}

// cacheSlot is where writeBody leaves the response of a cacheable request,
// and where the handler says what the page shows.
type cacheSlot struct {
	p     *payload
	story int64 // the story whose comments the page shows
	lists bool  // the page counts or lists comments of many stories
}

type cacheSlotKey struct{}

// pageShows tags the page being rendered for the cache: the story whose
// comments it shows, or (lists) comments of many stories, so that a new
// comment drops exactly the pages that show it.
func pageShows(r *http.Request, story int64, lists bool) {
	if slot, ok := r.Context().Value(cacheSlotKey{}).(*cacheSlot); ok {
		slot.story, slot.lists = story, lists
	}
}

// contentState returns the state the cached wrapper read for this
// request, or reads it.
func (s *Server) contentState(ctx context.Context) (model.ContentState, error) {
	if v, ok := ctx.Value(stateKey{}).(model.ContentState); ok {
		return v, nil
	}
	return s.svc.ContentState(ctx)
}

// cached serves a public GET page from the page cache when it can, and
// stores what the handler renders otherwise. Only 200 responses are kept.
//
// params are the query parameters the page reads; only they are part of the
// cache key, and the handler sees no other, so links with tracking or stray
// parameters (?utm_source=…, ?x=1) share one cached page and cannot fill the
// cache with copies. A page that starts reading a parameter must declare it.
func (s *Server) cached(h handlerFunc, params ...string) handlerFunc {
	if s.pages == nil {
		return func(w http.ResponseWriter, r *http.Request) error {
			return h(w, onlyParams(r, params))
		}
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		v, err := s.svc.ContentState(r.Context())
		if err != nil {
			return err
		}
		r = onlyParams(r, params)
		key := r.URL.RequestURI()
		p := s.pages.get(v, key)
		if p == nil {
			s.metrics.cacheMiss.Inc()
		} else {
			s.metrics.cacheHits.Inc()
			// The box is filled for the state read above without asking
			// again (and without a copy of the request to carry it).
			return s.sendCachedAt(w, r, http.StatusOK, p, v)
		}
		since := time.Now()
		slot := &cacheSlot{}
		ctx := context.WithValue(context.WithValue(r.Context(), stateKey{}, v), cacheSlotKey{}, slot)
		if err := h(w, r.WithContext(ctx)); err != nil {
			return err
		}
		if slot.p != nil {
			slot.p.key, slot.p.story, slot.p.lists = key, slot.story, slot.lists
			s.pages.put(v, slot.p, since)
		}
		return nil
	}
}

// onlyParams returns r with a query string of params alone, in a fixed
// order, so that one page has one key whatever else its link carried.
func onlyParams(r *http.Request, params []string) *http.Request {
	if r.URL.RawQuery == "" {
		return r
	}
	q := r.URL.Query()
	kept := url.Values{}
	for _, p := range params {
		if vs, ok := q[p]; ok {
			kept[p] = vs[:1]
		}
	}
	r2 := new(http.Request)
	*r2 = *r
	u := *r.URL
	u.RawQuery = kept.Encode()
	r2.URL = &u
	return r2
}

// chromeCache holds the site-wide parts of every page (settings, sections,
// latest comments) for one content state.
type chromeCache struct {
	mu      sync.Mutex
	version model.ContentState
	site    model.Settings
	secs    []model.Section
	latest  []model.Comment
}
