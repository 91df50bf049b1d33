package markup

import (
	"container/list"
	"hash/maphash"
	"html/template"
	"sync"
)

// renderCache remembers rendered Markdown by its source. Rendering and
// sanitising a long reply is the most expensive part of a story page, and a
// reply is read far more often than it is written. Keyed by content, the
// cache can never serve an old version of an edited reply.
type renderCache struct {
	mu    sync.Mutex
	seed  maphash.Seed
	max   int
	size  int
	items map[uint64]*list.Element
	lru   list.List
}

type rendered struct {
	hash uint64
	src  string // kept to rule out hash collisions
	html template.HTML
}

var cache = &renderCache{seed: maphash.MakeSeed(), max: 8 << 20, items: map[uint64]*list.Element{}}

func (c *renderCache) get(src string) (template.HTML, bool) {
	h := maphash.String(c.seed, src)
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[h]; ok && e.Value.(*rendered).src == src {
		c.lru.MoveToFront(e)
		return e.Value.(*rendered).html, true
	}
	return "", false
}

func (c *renderCache) put(src string, html template.HTML) {
	h := maphash.String(c.seed, src)
	cost := len(src) + len(html) + 100
	if cost > c.max/16 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[h]; ok {
		old := e.Value.(*rendered)
		c.size -= len(old.src) + len(old.html) + 100
		c.lru.Remove(e)
	}
	c.items[h] = c.lru.PushFront(&rendered{hash: h, src: src, html: html})
	c.size += cost
	for c.size > c.max {
		last := c.lru.Back()
		old := last.Value.(*rendered)
		c.lru.Remove(last)
		delete(c.items, old.hash)
		c.size -= len(old.src) + len(old.html) + 100
	}
}
