package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/search"
)

// searchIDsPostgres finds one page of q's matches on PostgreSQL, best first,
// and their number (counted up to f.MaxTotal when that is set).
func (s *Store) searchIDsPostgres(ctx context.Context, doc searchable, q search.Query, f model.SearchFilter) ([]int64, int, error) {
	expr, args := tsQuery(q, 1)
	match, args, err := s.matchPostgres(ctx, doc, q, expr, args)
	if err != nil {
		return nil, 0, err
	}
	where := match
	if f.Status != "" {
		args = append(args, f.Status)
		where = append(where, fmt.Sprintf("d.status = $%d", len(args)))
	}
	if f.SectionID != 0 {
		args = append(args, f.SectionID)
		where = append(where, fmt.Sprintf("d.section_id = $%d", len(args)))
	}
	if f.ExcludeID != 0 {
		args = append(args, f.ExcludeID)
		where = append(where, fmt.Sprintf("d.id <> $%d", len(args)))
	}
	cond := strings.Join(where, " AND ")
	body := " FROM " + doc.table + " d WHERE " + cond

	// A reader's search looks at its newest matches among the newest
	// rankCandidates documents first: when there are as many as the count
	// would stop at, the query is broad, and those are what it ranks. Both
	// this and a count read the words' whole posting lists (11 ms each for
	// two everyday words at 100,000 stories), so a broad query reads them
	// once. A query with fewer is counted.
	var window []int64
	var minID, top int64
	// windowFrom reads the newest matches from id from on: up to MaxTotal,
	// or the page's end if further.
	windowFrom := func(from int64) ([]int64, error) {
		n := len(args)
		ids, err := s.ids(ctx, fmt.Sprintf("SELECT d.id%s AND d.id >= $%d ORDER BY d.id DESC LIMIT %d", body, n+1, max(f.MaxTotal, f.Offset+f.Limit)),
			append(args[:n:n], from))
		if err != nil {
			return nil, fmt.Errorf("store: search %s: window: %w", doc.table, err)
		}
		return ids, nil
	}
	if f.MaxTotal > 0 && !f.Newest {
		// Read outside the search's transaction: its planner settings
		// would turn this walk down the primary key into a read of every row.
		if err := s.db.Read.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM "+doc.table).Scan(&top); err != nil {
			return nil, 0, fmt.Errorf("store: search %s: newest: %w", doc.table, err)
		}
		minID = top - int64(rankCandidates) + 1
		if window, err = windowFrom(minID); err != nil {
			return nil, 0, err
		}
		if len(window) >= f.MaxTotal {
			ids, err := s.broadPostgres(ctx, doc, q, f, cond, args, window[len(window)-1], window)
			if err != nil {
				return nil, 0, fmt.Errorf("store: search %s: broad: %w", doc.table, err)
			}
			return ids, f.MaxTotal, nil
		}
	}

	// A count that stops at the limit is far cheaper than ordering every
	// match. Stopped so, it is the matches themselves: the page is then
	// taken from them, without finding them again.
	var total int
	var matches []int64
	if f.MaxTotal > 0 {
		if matches, err = s.ids(ctx, fmt.Sprintf("SELECT d.id%s LIMIT %d", body, f.MaxTotal), args); err != nil {
			return nil, 0, fmt.Errorf("store: search %s: count: %w", doc.table, err)
		}
		total = len(matches)
	} else if err := s.reader(ctx).QueryRowContext(ctx, "SELECT count(*)"+body, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: search %s: count: %w", doc.table, err)
	}
	if total <= f.Offset {
		return nil, total, nil
	}
	// The count stopped at its cap: the query is broad (ranking every
	// match would mean reading each one's tsvector). Its matches may be
	// spread thinly over the years, fewer among the newest stories than
	// the page needs (a phrase of everyday words: 4 in the newest 1,000 of
	// 100,000 stories): the window then widens until it holds the page (or
	// rankCandidates matches, if fewer), or every story.
	if f.MaxTotal > 0 && total >= f.MaxTotal && !f.Newest {
		for span := int64(rankCandidates); len(window) < min(rankCandidates, f.Offset+f.Limit) && minID > 1; {
			span *= 8
			minID = max(1, top-span+1)
			if window, err = windowFrom(minID); err != nil {
				return nil, 0, err
			}
		}
		ids, err := s.broadPostgres(ctx, doc, q, f, cond, args, minID, window)
		if err != nil {
			return nil, 0, fmt.Errorf("store: search %s: broad: %w", doc.table, err)
		}
		return ids, total, nil
	}
	if matches != nil {
		ids, err := s.pagePostgres(ctx, doc, q, f, matches)
		if err != nil {
			return nil, 0, fmt.Errorf("store: search %s: %w", doc.table, err)
		}
		return ids, total, nil
	}
	rank := "ts_rank(d.search, " + expr + ") DESC"
	if f.Newest {
		rank = "d.published_at DESC"
	}
	n := len(args)
	ids, err := s.ids(ctx, fmt.Sprintf("SELECT d.id%s ORDER BY %s, d.published_at DESC, d.id DESC LIMIT $%d OFFSET $%d",
		body, rank, n+1, n+2), append(args, f.Limit, f.Offset))
	if err != nil {
		return nil, 0, fmt.Errorf("store: search %s: %w", doc.table, err)
	}
	return ids, total, nil
}

// broadPostgres pages through a broad query's candidates (see broadPage):
// its window is its newest matches from minID on (at most MaxTotal of them,
// among the newest rankCandidates documents). cond and args are the match
// and the filter on alias d.
func (s *Store) broadPostgres(ctx context.Context, doc searchable, q search.Query, f model.SearchFilter, cond string, args []any,
	minID int64, window []int64) ([]int64, error) {
	n := len(args)
	return broadPage(q, minID, window, f, broadParts{
		titles: func(limit int) ([]int64, error) {
			expr, targs := tsQuery(search.Query{Terms: q.Include(), Any: q.Any}, 1)
			return s.ids(ctx, fmt.Sprintf("SELECT id FROM %s WHERE to_tsvector('english', %s) @@ %s ORDER BY id DESC LIMIT %d",
				doc.table, doc.titleCol, expr, limit), targs)
		},
		check: func(ids []int64) ([]int64, error) {
			// OFFSET 0 keeps PostgreSQL from reading the search index for
			// these few rows: it tests them one by one.
			return s.ids(ctx, fmt.Sprintf("SELECT d.id FROM (SELECT * FROM %s WHERE id = ANY($%d) OFFSET 0) d WHERE %s ORDER BY d.id DESC",
				doc.table, n+1, cond), append(args[:n:n], ids))
		},
		rank: func(_ int64, window, extra []int64, limit int) ([]int64, error) {
			expr, targs := tsQuery(q, 2)
			return s.ids(ctx, fmt.Sprintf("SELECT d.id FROM %s d WHERE d.id = ANY($1) ORDER BY ts_rank(d.search, %s) DESC, d.published_at DESC, d.id DESC LIMIT %d",
				doc.table, expr, limit), append([]any{append(slices.Clone(window), extra...)}, targs...))
		},
	})
}

// matchPostgres returns the conditions that find q's matches (expr, whose
// arguments are args) and their arguments.
//
// A phrase first narrows to the stories with its pairs of neighbouring
// words (migration 0013), so that the exact phrase is checked on those
// alone. The phrase itself is then tested with ts_match_vq, the function
// behind @@, which the planner cannot answer from the text index: from it,
// a phrase of everyday words would read the postings of both words (47,000
// stories each at 100,000) only to be checked row by row all the same. The
// query's other words still narrow through the text index.
func (s *Store) matchPostgres(ctx context.Context, doc searchable, q search.Query, expr string, args []any) ([]string, []any, error) {
	if doc.pairsCol == "" || q.Any {
		return []string{"d.search @@ " + expr}, args, nil
	}
	var pairs []string
	var words search.Query
	for _, t := range q.Include() {
		if !t.Phrase() {
			words.Terms = append(words.Terms, t)
			continue
		}
		var p sql.NullString
		if err := s.reader(ctx).QueryRowContext(ctx, "SELECT phrase_pairs($1)::text", strings.Join(t.Words, " ")).Scan(&p); err != nil {
			return nil, nil, fmt.Errorf("store: search %s: pairs of %s: %w", doc.table, t, err)
		}
		if !p.Valid {
			return []string{"d.search @@ " + expr}, args, nil // a phrase of one word and stop words
		}
		args = append(args, p.String)
		pairs = append(pairs, fmt.Sprintf("d.%s @@ $%d::tsquery", doc.pairsCol, len(args)))
	}
	if len(pairs) == 0 {
		return []string{"d.search @@ " + expr}, args, nil
	}
	where := pairs
	if len(words.Terms) > 0 {
		wexpr, wargs := tsQuery(words, len(args)+1)
		args = append(args, wargs...)
		where = append(where, "d.search @@ "+wexpr)
	}
	return append(where, "ts_match_vq(d.search, "+expr+")"), args, nil
}

// pagePostgres returns page f of matches (every match of q that passes the
// filter, fewer than f.MaxTotal), best first: by rank, or newest first when
// q is not worth ranking (search.Query.Unranked) or f asks for it. Only the
// matches' rows are read, by id.
func (s *Store) pagePostgres(ctx context.Context, doc searchable, q search.Query, f model.SearchFilter, matches []int64) ([]int64, error) {
	if q.Unranked() && !q.Any && !f.Newest {
		ids := slices.Clone(matches)
		slices.Sort(ids)
		slices.Reverse(ids)
		return ids[min(f.Offset, len(ids)):min(f.Offset+f.Limit, len(ids))], nil
	}
	order := "d.published_at DESC, d.id DESC"
	var args []any
	if !f.Newest {
		expr, targs := tsQuery(q, 2)
		order = "ts_rank(d.search, " + expr + ") DESC, " + order
		args = targs
	}
	// OFFSET 0 keeps PostgreSQL from reading the text index for these
	// rows: it reads them by id.
	return s.ids(ctx, fmt.Sprintf("SELECT d.id FROM (SELECT * FROM %s WHERE id = ANY($1) OFFSET 0) d ORDER BY %s LIMIT %d OFFSET %d",
		doc.table, order, f.Limit, f.Offset), append([]any{matches}, args...))
}
