package web

import (
	"fmt"
	"testing"
	"time"
)

func TestPageCacheBudgetVersionAndAge(t *testing.T) {
	c := newPageCache(64 << 10)
	page := func(key string, n int) *payload {
		p := newPayload("text/html", []byte(fmt.Sprintf("%0*d", n, 1)))
		p.key = key
		return p
	}
	c.put(1, page("/a", 100), time.Now())
	if c.get(1, "/a") == nil {
		t.Fatal("fresh page not served")
	}
	// A newer version empties the cache; an older one neither reads nor writes.
	if c.get(2, "/a") != nil {
		t.Fatal("page of version 1 served for version 2")
	}
	c.put(1, page("/old", 100), time.Now())
	if c.get(2, "/old") != nil || len(c.items) != 0 {
		t.Fatal("a page rendered for an older version was kept")
	}
	// The budget holds, least recently used first out.
	for i := 0; i < 500; i++ {
		p := &payload{key: fmt.Sprintf("/p%d", i), gz: make([]byte, 1000), made: time.Now()}
		c.put(2, p, time.Now())
		if i == 10 {
			c.get(2, "/p0") // keep /p0 recent
		}
	}
	if c.size > c.max {
		t.Fatalf("cache holds %d bytes over its %d budget", c.size, c.max)
	}
	if c.get(2, "/p1") != nil {
		t.Error("least recently used page survived")
	}
	if c.get(2, "/p499") == nil {
		t.Error("newest page was evicted")
	}
	// Pages expire so that relative times stay right.
	old := page("/stale", 10)
	old.made = time.Now().Add(-2 * pageMaxAge)
	c.put(2, old, time.Now())
	if c.get(2, "/stale") != nil {
		t.Error("expired page served")
	}
	// One page larger than an eighth of the budget is not cached.
	c.put(2, &payload{key: "/huge", gz: make([]byte, c.max/4), made: time.Now()}, time.Now())
	if c.get(2, "/huge") != nil {
		t.Error("oversized page cached")
	}
}

// A page dropped while it was being rendered is not stored: it may have been
// rendered from what the drop replaced.
func TestPageCacheDropDuringRender(t *testing.T) {
	c := newPageCache(1 << 20)
	page := func(key string) *payload { return &payload{key: key, gz: make([]byte, 10), made: time.Now()} }
	began := time.Now()
	c.drop("/stories/a")
	c.put(1, page("/stories/a"), began)
	if c.get(1, "/stories/a") != nil {
		t.Fatal("a page rendered before its drop was stored")
	}
	c.put(1, page("/stories/a"), time.Now())
	if c.get(1, "/stories/a") == nil {
		t.Fatal("a page rendered after its drop was not stored")
	}
	c.drop("/stories/a")
	if c.get(1, "/stories/a") != nil {
		t.Fatal("drop left the page")
	}
}
