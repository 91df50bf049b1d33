package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/search"
)

// denseShare: when a query's newest matches are more than this share of
// the newest stories, every word of it is in more than that share of them
// (a word is in at least as many stories as all the words together).
const denseShare = 0.5

// searchIDsSQLite finds one page of q's matches with FTS5, best first, and
// their number (counted up to f.MaxTotal when that is set).
func (s *Store) searchIDsSQLite(ctx context.Context, doc searchable, q search.Query, f model.SearchFilter) ([]int64, int, error) {
	sq := newSQLiteSearch(doc, q, f)

	// The count is the matches themselves, newest first (FTS5 walks its
	// rowids backwards without sorting), so the same pass tells where the
	// newest rankCandidates begin.
	var total int
	var newest []int64
	if f.MaxTotal > 0 {
		var err error
		newest, err = s.ids(ctx, fmt.Sprintf("SELECT f.rowid%s ORDER BY f.rowid DESC LIMIT %d", sq.body(), f.MaxTotal), sq.args)
		if err != nil {
			return nil, 0, fmt.Errorf("store: search %s: count: %w", doc.table, err)
		}
		total = len(newest)
	} else if err := s.reader(ctx).QueryRowContext(ctx, "SELECT count(*)"+sq.body(), sq.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: search %s: count: %w", doc.table, err)
	}
	if total <= f.Offset {
		return nil, total, nil
	}

	if f.MaxTotal > 0 && total >= f.MaxTotal && total > rankCandidates && !f.Newest {
		ids, err := s.broadSQLite(ctx, sq, q, newest[:rankCandidates], f)
		if err != nil {
			return nil, 0, fmt.Errorf("store: search %s: broad: %w", doc.table, err)
		}
		return ids, total, nil
	}
	order := "f.rank, f.rowid DESC"
	if f.Newest {
		order = "d.published_at DESC, d.id DESC"
	}
	limit, offset := sq.arg(f.Limit), sq.arg(f.Offset)
	ids, err := s.ids(ctx, fmt.Sprintf("SELECT f.rowid%s ORDER BY %s LIMIT %s OFFSET %s", sq.body(), order, limit, offset), sq.args)
	if err != nil {
		return nil, 0, fmt.Errorf("store: search %s: %w", doc.table, err)
	}
	return ids, total, nil
}

// maxTitleCandidates bounds the older title matches a broad query ranks.
const maxTitleCandidates = 200

// broadSQLite pages through a broad query's candidates: ranking every match
// (tens of thousands on a big site) costs far more than a reader waits, so
// it ranks the stories whose title matches (newest first) before the newest
// matches (window, newest first) by bm25. Each part is read with a rowid
// range or list FTS5 can seek to, never by walking every match.
func (s *Store) broadSQLite(ctx context.Context, sq *sqliteSearch, q search.Query, window []int64, f model.SearchFilter) ([]int64, error) {
	doc, minID := sq.doc, window[len(window)-1]
	inWindow := make(map[int64]bool, len(window))
	for _, id := range window {
		inWindow[id] = true
	}
	// Title matches: those in the window match the whole query and pass
	// the filter; older ones are checked.
	titleIDs, err := s.ids(ctx, fmt.Sprintf("SELECT rowid FROM %s WHERE %s MATCH $1 ORDER BY rowid DESC LIMIT %d",
		doc.titleFTS, doc.titleFTS, len(window)+maxTitleCandidates), []any{fts5Query(search.Query{Terms: q.Include(), Any: q.Any})})
	if err != nil {
		return nil, fmt.Errorf("title matches: %w", err)
	}
	var titles, older []int64
	for _, id := range titleIDs {
		if inWindow[id] {
			titles = append(titles, id)
		} else if id < minID && len(older) < maxTitleCandidates {
			older = append(older, id)
		}
	}
	if len(older) > 0 {
		check := *sq
		check.args = slices.Clone(sq.args)
		list := make([]string, len(older))
		for i, id := range older {
			list[i] = check.arg(id)
		}
		check.where = append(slices.Clone(sq.where), "f.rowid IN ("+strings.Join(list, ", ")+")")
		found, err := s.ids(ctx, "SELECT f.rowid"+check.body()+" ORDER BY f.rowid DESC", check.args)
		if err != nil {
			return nil, fmt.Errorf("older title matches: %w", err)
		}
		titles = append(titles, found...)
	}
	end := f.Offset + f.Limit
	if end <= len(titles) {
		return titles[f.Offset:end], nil
	}

	// The newest matches, after the titles. When they fill more than
	// denseShare of the newest stories, every word of the query is an
	// everyday word of the site: bm25 gives such words no weight (their
	// inverse document frequency is below zero and clamped), yet reckoning
	// it walks their whole doclists, so they stay newest first.
	rest := window
	if q.Any || !dense(window) {
		ranked := *sq
		ranked.args = slices.Clone(sq.args)
		ranked.where = append(slices.Clone(sq.where), "f.rowid >= "+ranked.arg(minID))
		if rest, err = s.ids(ctx, fmt.Sprintf("SELECT f.rowid%s ORDER BY f.rank, f.rowid DESC LIMIT %d", ranked.body(), end),
			ranked.args); err != nil {
			return nil, fmt.Errorf("newest matches: %w", err)
		}
	}
	isTitle := make(map[int64]bool, len(titles))
	for _, id := range titles {
		isTitle[id] = true
	}
	list := titles
	for _, id := range rest {
		if !isTitle[id] {
			list = append(list, id)
		}
	}
	return list[min(f.Offset, len(list)):min(end, len(list))], nil
}

// dense reports whether newest (matches' ids, newest first) fill more than
// denseShare of the ids they span.
func dense(newest []int64) bool {
	if len(newest) < 2 {
		return false
	}
	span := newest[0] - newest[len(newest)-1] + 1
	return float64(len(newest)) > denseShare*float64(span)
}

// sqliteSearch builds the FROM and WHERE of an FTS5 search.
type sqliteSearch struct {
	doc   searchable
	join  bool     // read status and section from the documents' rows
	where []string // the match and the filter
	args  []any
}

// newSQLiteSearch starts a search for q's matches that pass f's filter.
func newSQLiteSearch(doc searchable, q search.Query, f model.SearchFilter) *sqliteSearch {
	sq := &sqliteSearch{doc: doc}
	// Matches are read from the FTS index alone when they can be: looking
	// up each match's row costs more than the search itself when matches
	// are spread over a big site. Published-only searches leave out the
	// few unpublished stories (index stories_unpublished) instead.
	sq.join = f.SectionID != 0 || f.Newest || f.Status != "" && f.Status != model.StoryPublished
	sq.where = []string{fmt.Sprintf("f.%s MATCH %s", doc.fts, sq.arg(fts5Query(q)))}
	switch {
	case sq.join && f.Status != "":
		sq.where = append(sq.where, "d.status = "+sq.arg(f.Status))
	case f.Status == model.StoryPublished:
		// Written out, not as an argument, so the partial index serves it
		// (named, as the planner would rather scan a covering index).
		sq.where = append(sq.where, fmt.Sprintf("f.rowid NOT IN (SELECT id FROM %s INDEXED BY %s WHERE status <> 'published')",
			doc.table, doc.unpublishedIx))
	}
	if f.SectionID != 0 {
		sq.where = append(sq.where, "d.section_id = "+sq.arg(f.SectionID))
	}
	if f.ExcludeID != 0 {
		sq.where = append(sq.where, "f.rowid <> "+sq.arg(f.ExcludeID))
	}
	return sq
}

// arg adds an argument and returns its placeholder.
func (sq *sqliteSearch) arg(v any) string {
	sq.args = append(sq.args, v)
	return fmt.Sprintf("$%d", len(sq.args))
}

func (sq *sqliteSearch) body() string {
	from := " FROM " + sq.doc.fts + " f"
	if sq.join {
		from += fmt.Sprintf(" JOIN %s d INDEXED BY %s ON d.id = f.rowid", sq.doc.table, sq.doc.filterIx)
	}
	return from + " WHERE " + strings.Join(sq.where, " AND ")
}
