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
// version (see service.ContentVersion). Every request reads the version from
// the database, a one-row query, so a change made through any instance
// empties every instance's cache at once: several instances behind a load
// balancer stay one site. Memory is bounded; the least recently used pages
// go first.
type pageCache struct {
	mu      sync.Mutex
	version int64
	max     int // bytes
	size    int
	items   map[string]*list.Element
	lru     list.List // of *payload, most recent first
	// drops remembers when a page was last dropped, so that a page whose
	// rendering began before it is not stored after it.
	drops map[string]time.Time
}

func newPageCache(maxBytes int) *pageCache {
	return &pageCache{max: maxBytes, items: map[string]*list.Element{}}
}

// turn moves the cache to version v, emptying it when v is newer. It reports
// whether the cache may serve and store pages for v (a request that read an
// older version than the cache holds must not).
func (c *pageCache) turn(v int64) bool {
	if v > c.version {
		c.version = v
		c.items = map[string]*list.Element{}
		c.lru.Init()
		c.size = 0
	}
	return v == c.version
}

func (c *pageCache) get(v int64, key string) *payload {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.turn(v) {
		return nil
	}
	if e, ok := c.items[key]; ok {
		p := e.Value.(*payload)
		if time.Since(p.made) > pageMaxAge {
			c.lru.Remove(e)
			delete(c.items, key)
			c.size -= p.cost()
			return nil
		}
		c.lru.MoveToFront(e)
		return p
	}
	return nil
}

// put stores p, rendered from since on, for version v.
func (c *pageCache) put(v int64, p *payload, since time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.turn(v) || p.cost() > c.max/8 {
		return
	}
	if at, ok := c.drops[p.key]; ok && !at.Before(since) {
		return
	}
	if e, ok := c.items[p.key]; ok {
		c.size -= e.Value.(*payload).cost()
		c.lru.Remove(e)
	}
	c.items[p.key] = c.lru.PushFront(p)
	c.size += p.cost()
	for c.size > c.max {
		last := c.lru.Back()
		old := last.Value.(*payload)
		c.lru.Remove(last)
		delete(c.items, old.key)
		c.size -= old.cost()
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
	if e, ok := c.items[key]; ok {
		c.size -= e.Value.(*payload).cost()
		c.lru.Remove(e)
		delete(c.items, key)
	}
}

type versionKey struct{}

// cacheSlot is where writeBody leaves the response of a cacheable request.
type cacheSlot struct{ p *payload }

type cacheSlotKey struct{}

// contentVersion returns the version the cached wrapper read for this
// request, or reads it.
func (s *Server) contentVersion(ctx context.Context) (int64, error) {
	if v, ok := ctx.Value(versionKey{}).(int64); ok {
		return v, nil
	}
	return s.svc.ContentVersion(ctx)
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
		v, err := s.svc.ContentVersion(r.Context())
		if err != nil {
			return err
		}
		r = onlyParams(r, params)
		key := r.URL.RequestURI()
		if p := s.pages.get(v, key); p != nil {
			s.send(w, r, http.StatusOK, p)
			return nil
		}
		since := time.Now()
		slot := &cacheSlot{}
		ctx := context.WithValue(context.WithValue(r.Context(), versionKey{}, v), cacheSlotKey{}, slot)
		if err := h(w, r.WithContext(ctx)); err != nil {
			return err
		}
		if slot.p != nil {
			slot.p.key = key
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
// latest comments) for one content version.
type chromeCache struct {
	mu      sync.Mutex
	version int64
	site    model.Settings
	secs    []model.Section
	latest  []model.Comment
}
