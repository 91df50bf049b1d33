package web

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/confide/confide/internal/model"
)

func TestPageCacheBudgetVersionAndAge(t *testing.T) {
	c := newPageCache(64 << 10)
	page := func(key string, n int) *payload {
		p := newPayload("text/html", []byte(fmt.Sprintf("%0*d", n, 1)))
		p.key = key
		return p
	}
	c.put(st(1), page("/a", 100), time.Now())
	if c.get(st(1), "/a") == nil {
		t.Fatal("fresh page not served")
	}
	// A newer version empties the cache; an older one neither reads nor writes.
	if c.get(st(2), "/a") != nil {
		t.Fatal("page of version 1 served for version 2")
	}
	c.put(st(1), page("/old", 100), time.Now())
	if c.get(st(2), "/old") != nil || len(c.items) != 0 {
		t.Fatal("a page rendered for an older version was kept")
	}
	// The budget holds, least recently used first out.
	for i := 0; i < 500; i++ {
		p := &payload{key: fmt.Sprintf("/p%d", i), gz: make([]byte, 1000), made: time.Now()}
		c.put(st(2), p, time.Now())
		if i == 10 {
			c.get(st(2), "/p0") // keep /p0 recent
		}
	}
	if c.size > c.max {
		t.Fatalf("cache holds %d bytes over its %d budget", c.size, c.max)
	}
	if c.get(st(2), "/p1") != nil {
		t.Error("least recently used page survived")
	}
	if c.get(st(2), "/p499") == nil {
		t.Error("newest page was evicted")
	}
	// Pages expire so that relative times stay right.
	old := page("/stale", 10)
	old.made = time.Now().Add(-2 * pageMaxAge)
	c.put(st(2), old, time.Now())
	if c.get(st(2), "/stale") != nil {
		t.Error("expired page served")
	}
	// One page larger than an eighth of the budget is not cached.
	c.put(st(2), &payload{key: "/huge", gz: make([]byte, c.max/4), made: time.Now()}, time.Now())
	if c.get(st(2), "/huge") != nil {
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
	c.put(st(1), page("/stories/a"), began)
	if c.get(st(1), "/stories/a") != nil {
		t.Fatal("a page rendered before its drop was stored")
	}
	c.put(st(1), page("/stories/a"), time.Now())
	if c.get(st(1), "/stories/a") == nil {
		t.Fatal("a page rendered after its drop was not stored")
	}
	c.drop("/stories/a")
	if c.get(st(1), "/stories/a") != nil {
		t.Fatal("drop left the page")
	}
}

// st is a content state of version v with no comment changes.
func st(v int64) model.ContentState { return model.ContentState{Version: v} }

// A comment change drops its story's pages and the lists, and nothing else.
func TestPageCacheCommentChanges(t *testing.T) {
	c := newPageCache(1 << 20)
	changed := map[int64][]int64{} // state.Changes → stories changed up to it
	c.changed = func(from, to int64) ([]int64, bool) {
		if from < 0 {
			return nil, false
		}
		var ids []int64
		for n := from + 1; n <= to; n++ {
			ids = append(ids, changed[n]...)
		}
		return ids, true
	}
	put := func(v model.ContentState, key string, story int64, lists bool) {
		c.put(v, &payload{key: key, story: story, lists: lists, gz: make([]byte, 10), made: time.Now()}, time.Now())
	}
	v := model.ContentState{Version: 1, Changes: 0}
	put(v, "/stories/a", 1, false)
	put(v, "/stories/a?page=2", 1, false)
	put(v, "/stories/b", 2, false)
	put(v, "/", 0, true)
	put(v, "/about", 0, false)
	changed[1] = []int64{1}
	v.Changes = 1
	for key, kept := range map[string]bool{"/stories/a": false, "/stories/a?page=2": false, "/stories/b": true, "/": false, "/about": true} {
		if got := c.get(v, key) != nil; got != kept {
			t.Errorf("after a comment on story 1, %s kept = %v, want %v", key, got, kept)
		}
	}
	// A page rendered for the older state is not stored.
	put(model.ContentState{Version: 1, Changes: 0}, "/stories/a", 1, false)
	if c.get(v, "/stories/a") != nil {
		t.Error("a page of an older state was stored")
	}
	// When the changes are not known, everything goes.
	c.changed = func(from, to int64) ([]int64, bool) { return nil, false }
	v.Changes = 5
	if c.get(v, "/stories/b") != nil || c.get(v, "/about") != nil {
		t.Error("pages kept although the changes were unknown")
	}
}

// A spliced page is one valid gzip stream, whatever the box holds.
func TestSplicedPage(t *testing.T) {
	body := []byte(strings.Repeat("<p>head of the page</p>", 200) + latestMarker + strings.Repeat("<p>tail</p>", 300))
	sp := newSpliced("text/html", body)
	for i, box := range []string{"<aside>first box</aside>", "", strings.Repeat("<li>comment</li>", 50)} {
		raw := []byte(box)
		j := sp.spliceWith(newFragment(raw))
		parts, size := j.parts, j.size
		zr, err := gzip.NewReader(bytes.NewReader(bytes.Join(parts, nil)))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(zr) // checks the CRC and length too
		if err != nil {
			t.Fatalf("box %d: %v", i, err)
		}
		want := bytes.Replace(body, []byte(latestMarker), raw, 1)
		if !bytes.Equal(got, want) || size != len(want) {
			t.Fatalf("box %d: page differs (%d bytes, want %d)", i, len(got), len(want))
		}
	}
	for _, n := range []int64{0, 1, 7, 1000, 123457} {
		a, b := bytes.Repeat([]byte("a"), 100), bytes.Repeat([]byte("xyz"), int(n))[:n]
		if got, want := crc32Combine(crc32.ChecksumIEEE(a), crc32.ChecksumIEEE(b), n), crc32.ChecksumIEEE(append(a, b...)); got != want {
			t.Errorf("crc32Combine with %d bytes = %08x, want %08x", n, got, want)
		}
	}
}

// A page rendered while comments changed elsewhere is still stored; one
// whose own story changed meanwhile, or a list, is not.
func TestPageCacheKeepsPagesRenderedDuringChanges(t *testing.T) {
	c := newPageCache(1 << 20)
	c.changed = func(from, to int64) ([]int64, bool) {
		if from == 1 && to == 2 {
			return []int64{7}, true
		}
		return nil, false
	}
	v1 := model.ContentState{Version: 1, Changes: 1}
	v2 := model.ContentState{Version: 1, Changes: 2}
	c.get(v2, "/warm") // the cache is at v2 now
	put := func(key string, story int64, lists bool) {
		c.put(v1, &payload{key: key, story: story, lists: lists, gz: make([]byte, 10), made: time.Now()}, time.Now())
	}
	put("/stories/other", 8, false)
	put("/stories/changed", 7, false)
	put("/", 0, true)
	put("/about", 0, false)
	for key, want := range map[string]bool{"/stories/other": true, "/stories/changed": false, "/": false, "/about": true} {
		if got := c.get(v2, key) != nil; got != want {
			t.Errorf("%s rendered during a change: stored %v, want %v", key, got, want)
		}
	}
}

// The inflated copy of a cached page is counted in the cache's budget,
// and leaves it with the page.
func TestPlainPartsCountInTheBudget(t *testing.T) {
	s := &Server{pages: newPageCache(1 << 20)}
	body := []byte(strings.Repeat("<p>head</p>", 300) + latestMarker + strings.Repeat("<p>tail</p>", 200))
	p := &payload{key: "/story", spliced: newSpliced("text/html", body), made: time.Now()}
	s.pages.put(st(1), p, time.Now())
	before := s.pages.size
	pl := s.plainParts(p)
	if pl == nil || string(pl[0])+latestMarker+string(pl[1]) != string(body) {
		t.Fatal("the inflated parts differ from the page")
	}
	if got, want := s.pages.size-before, cap(pl[0])+cap(pl[1]); got != want {
		t.Errorf("the cache grew by %d, want %d", got, want)
	}
	if s.plainParts(p) != pl {
		t.Error("the parts were made twice")
	}
	s.pages.mu.Lock()
	s.pages.remove("/story")
	s.pages.mu.Unlock()
	if s.pages.size != 0 {
		t.Errorf("%d bytes counted after the page left", s.pages.size)
	}
	// A page no longer cached gets no kept copy.
	q := &payload{key: "/gone", spliced: newSpliced("text/html", body), made: time.Now()}
	if s.plainParts(q) != nil || q.spliced.plain.Load() != nil {
		t.Error("a copy kept for a page not in the cache")
	}
}

// Without room to spare, the inflated copy is made for the request alone:
// pages that gzip readers are served from are never pushed out for it.
func TestPlainPartsNeverEvict(t *testing.T) {
	body := []byte(strings.Repeat("<p>head of a long page</p>", 400) + latestMarker + strings.Repeat("<p>tail</p>", 300))
	p := &payload{key: "/story", spliced: newSpliced("text/html", body), made: time.Now()}
	s := &Server{pages: newPageCache(p.cost() * 9)} // room for the page, not for its inflated copy too
	s.pages.put(st(1), p, time.Now())
	before := s.pages.size
	pl := s.plainParts(p)
	if pl == nil || string(pl[0])+latestMarker+string(pl[1]) != string(body) {
		t.Fatal("no inflated parts for the request")
	}
	if p.spliced.plain.Load() != nil || s.pages.size != before || s.pages.get(st(1), "/story") == nil {
		t.Errorf("kept %v, size %d → %d, page still cached: %v", p.spliced.plain.Load() != nil, before, s.pages.size,
			s.pages.get(st(1), "/story") != nil)
	}
}
