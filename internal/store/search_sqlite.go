package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/search"
)

// searchIDsSQLite finds one page of q's matches with FTS5, best first, and
// their number (counted up to f.MaxTotal when that is set).
func (s *Store) searchIDsSQLite(ctx context.Context, doc searchable, q search.Query, f model.SearchFilter) ([]int64, int, error) {
	sq := newSQLiteSearch(doc, q, f)
	if f.MaxTotal > 0 && q.Unranked() && !q.Any && !f.Newest {
		return s.unrankedSQLite(ctx, sq, q, f)
	}

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

	if f.MaxTotal > 0 && total > rankMatches && !f.Newest {
		ids, err := s.broadSQLite(ctx, sq, q, newest[:rankMatches], f)
		if err != nil {
			return nil, 0, fmt.Errorf("store: search %s: broad: %w", doc.table, err)
		}
		return ids, total, nil
	}
	order := "f.rank, f.rowid DESC"
	if q.Unranked() {
		// bm25 would walk every story's text for the query's words once
		// more (see search.Query.Unranked).
		order = "f.rowid DESC"
	}
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

// unrankedSQLite finds one page of a query listed newest first (see
// search.Query.Unranked) and its number of matches, counted up to
// f.MaxTotal. The count walks the matches forwards: FTS5 steps backwards
// through a doclist by parsing each of its pages into a list first, which
// costs a quarter more, and a query of many everyday words or a phrase of
// them has its matches spread over the whole site, so its count reads most
// of the words' doclists. The page itself is then cheap: when the count
// found every match it is the newest of them; otherwise only the newest few
// are read, backwards.
func (s *Store) unrankedSQLite(ctx context.Context, sq *sqliteSearch, q search.Query, f model.SearchFilter) ([]int64, int, error) {
	doc := sq.doc
	all, err := s.ids(ctx, fmt.Sprintf("SELECT f.rowid%s ORDER BY f.rowid LIMIT %d", sq.body(), f.MaxTotal), sq.args)
	if err != nil {
		return nil, 0, fmt.Errorf("store: search %s: count: %w", doc.table, err)
	}
	total := len(all)
	if total <= f.Offset {
		return nil, total, nil
	}
	end := f.Offset + f.Limit
	if total < f.MaxTotal && total <= rankMatches {
		// Every match was found (the count did not stop at its cap).
		slices.Reverse(all)
		return all[f.Offset:min(end, total)], total, nil
	}
	// A broad query lists its title matches first (see broadPage), then
	// its newest matches: end of them fill any page.
	window, err := s.ids(ctx, fmt.Sprintf("SELECT f.rowid%s ORDER BY f.rowid DESC LIMIT %d", sq.body(), end), sq.args)
	if err != nil {
		return nil, 0, fmt.Errorf("store: search %s: newest: %w", doc.table, err)
	}
	ids, err := s.broadSQLite(ctx, sq, q, window, f)
	if err != nil {
		return nil, 0, fmt.Errorf("store: search %s: broad: %w", doc.table, err)
	}
	return ids, total, nil
}

// broadSQLite pages through a broad query's candidates (see broadPage).
func (s *Store) broadSQLite(ctx context.Context, sq *sqliteSearch, q search.Query, window []int64, f model.SearchFilter) ([]int64, error) {
	doc := sq.doc
	// more returns sq with one more condition, whose placeholders are
	// numbered after sq's arguments, and its arguments.
	next := len(sq.args) + 1
	more := func(cond string, ids ...int64) *sqliteSearch {
		c := *sq
		c.where = append(slices.Clone(sq.where), cond)
		c.args = slices.Clone(sq.args)
		for _, id := range ids {
			c.args = append(c.args, id)
		}
		return &c
	}
	return broadPage(q, window[len(window)-1], window, f, broadParts{
		titles: func(limit int) ([]int64, error) {
			return s.ids(ctx, fmt.Sprintf("SELECT rowid FROM %s WHERE %s MATCH $1 ORDER BY rowid DESC LIMIT %d",
				doc.titleFTS, doc.titleFTS, limit), []any{fts5Query(search.Query{Terms: q.Include(), Any: q.Any})})
		},
		check: func(ids []int64) ([]int64, error) {
			// A story whose title holds the query's words holds them
			// (the title is indexed with its text, by the same
			// tokenizer), so what is left to check is that it holds no
			// word left out, found with a query of those words alone
			// (setting the whole query up again for each story cost three
			// times more), and the filter.
			if len(q.Exclude()) > 0 {
				var err error
				if ids, err = s.withoutTerms(ctx, doc, q.Exclude(), ids); err != nil {
					return nil, err
				}
			}
			return s.filterIDs(ctx, doc, f, ids)
		},
		rank: func(minID int64, window, extra []int64, n int) ([]int64, error) {
			if !q.Any && len(extra) == 0 {
				// Every story of the window matches the whole query: it is
				// ranked by the words that carry weight alone, without
				// setting up the whole query (its exclusions, its everyday
				// words) again for each.
				rare, err := s.rareTerms(ctx, doc, q, window)
				if err != nil {
					return nil, err
				}
				return s.rankByRare(ctx, doc, rare, minID, window, n)
			}
			// A range FTS5 seeks to. With extra ids (queries of any word
			// only, which rank in the background) it walks every match,
			// testing each.
			cond := fmt.Sprintf("f.rowid >= $%d", next)
			if len(extra) > 0 {
				cond = fmt.Sprintf("(%s OR f.rowid IN (%s))", cond, placeholders(next+1, len(extra)))
			}
			c := more(cond, append([]int64{minID}, extra...)...)
			return s.ids(ctx, fmt.Sprintf("SELECT f.rowid%s ORDER BY f.rank, f.rowid DESC LIMIT %d", c.body(), n), c.args)
		},
	})
}

// densityIDs is how many of the newest ids a word's share is measured on.
const densityIDs = 2000

// weightShare: a word in more than this share of the stories ranks with
// next to no weight (bm25's inverse document frequency is log 3 at a
// quarter, against 4.6 for a word in one story of a hundred), while bm25
// would walk every story that has it to work that weight out.
const weightShare = 0.25

// rareTerms returns the words of q that are in at most weightShare of the
// stories of the newest densityIDs ids up to the window's newest. bm25 gives
// the others no weight (their inverse document frequency is clamped to
// almost nothing), yet works it out by walking every story that has them.
func (s *Store) rareTerms(ctx context.Context, doc searchable, q search.Query, window []int64) ([]search.Term, error) {
	top := window[0]
	span := min(densityIDs, top)
	var rare []search.Term
	for _, t := range q.Include() {
		var n int
		err := s.reader(ctx).QueryRowContext(ctx, fmt.Sprintf("SELECT count(*) FROM %s WHERE %s MATCH $1 AND rowid BETWEEN $2 AND $3",
			doc.fts, doc.fts), fts5Query(search.Query{Terms: []search.Term{t}}), top-span+1, top).Scan(&n)
		if err != nil {
			return nil, fmt.Errorf("density of %s: %w", t, err)
		}
		if float64(n) <= weightShare*float64(span) {
			rare = append(rare, t)
		}
	}
	return rare, nil
}

// rankByRare ranks window (a broad query's newest matches, from minID on)
// by rare, the query's words that carry weight; with none, the window stays
// newest first. Every story of the window has all the query's words, so
// this is the order bm25 would give, without its walks of everyday words.
func (s *Store) rankByRare(ctx context.Context, doc searchable, rare []search.Term, minID int64, window []int64, n int) ([]int64, error) {
	if len(rare) == 0 {
		return window[:min(n, len(window))], nil
	}
	args := []any{fts5Query(search.Query{Terms: rare}), minID}
	for _, id := range window {
		args = append(args, id)
	}
	// "+rowid" keeps the list from being handed to FTS5, which would set
	// the match up again for every id in it.
	return s.ids(ctx, fmt.Sprintf("SELECT rowid FROM %s WHERE %s MATCH $1 AND rowid >= $2 AND +rowid IN (%s) ORDER BY rank, rowid DESC LIMIT %d",
		doc.fts, doc.fts, placeholders(3, len(window)), n), args)
}

// withoutTerms returns those of ids whose documents hold none of terms.
func (s *Store) withoutTerms(ctx context.Context, doc searchable, terms []search.Term, ids []int64) ([]int64, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	include := make([]search.Term, len(terms))
	for i, t := range terms {
		t.Exclude = false
		include[i] = t
	}
	args := []any{fts5Query(search.Query{Terms: include, Any: true})}
	for _, id := range ids {
		args = append(args, id)
	}
	holding, err := s.ids(ctx, fmt.Sprintf("SELECT rowid FROM %s WHERE %s MATCH $1 AND rowid IN (%s)", doc.fts, doc.fts, placeholders(2, len(ids))), args)
	if err != nil {
		return nil, fmt.Errorf("left-out words: %w", err)
	}
	return slices.DeleteFunc(slices.Clone(ids), func(id int64) bool { return slices.Contains(holding, id) }), nil
}

// filterIDs returns those of ids that pass f's filter, newest first.
func (s *Store) filterIDs(ctx context.Context, doc searchable, f model.SearchFilter, ids []int64) ([]int64, error) {
	args := make([]any, 0, len(ids)+3)
	for _, id := range ids {
		args = append(args, id)
	}
	cond := "id IN (" + placeholders(1, len(ids)) + ")"
	add := func(col string, v any) {
		args = append(args, v)
		cond += fmt.Sprintf(" AND %s = $%d", col, len(args))
	}
	if f.Status != "" {
		add("status", f.Status)
	}
	if f.SectionID != 0 {
		add("section_id", f.SectionID)
	}
	if f.ExcludeID != 0 {
		args = append(args, f.ExcludeID)
		cond += fmt.Sprintf(" AND id <> $%d", len(args))
	}
	return s.ids(ctx, fmt.Sprintf("SELECT id FROM %s INDEXED BY %s WHERE %s ORDER BY id DESC", doc.table, doc.filterIx, cond), args)
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
