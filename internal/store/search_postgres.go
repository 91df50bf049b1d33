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
	where := []string{"d.search @@ " + expr}
	if doc.pairsCol != "" && !q.Any {
		// A phrase first narrows to the stories with its pairs of
		// neighbouring words (migration 0013), so that the exact phrase is
		// checked on those alone.
		for _, t := range q.Include() {
			if !t.Phrase() {
				continue
			}
			var pairs sql.NullString
			if err := s.reader(ctx).QueryRowContext(ctx, "SELECT phrase_pairs($1)::text", strings.Join(t.Words, " ")).Scan(&pairs); err != nil {
				return nil, 0, fmt.Errorf("store: search %s: pairs of %s: %w", doc.table, t, err)
			}
			if pairs.Valid {
				args = append(args, pairs.String)
				where = append(where, fmt.Sprintf("d.%s @@ $%d::tsquery", doc.pairsCol, len(args)))
			}
		}
	}
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
	var minID int64
	if f.MaxTotal > 0 && !f.Newest {
		// Read outside the search's transaction: its planner settings
		// would turn this walk down the primary key into a read of every row.
		var top int64
		if err := s.db.Read.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM "+doc.table).Scan(&top); err != nil {
			return nil, 0, fmt.Errorf("store: search %s: newest: %w", doc.table, err)
		}
		minID = top - int64(rankCandidates) + 1
		n := len(args)
		var err error
		window, err = s.ids(ctx, fmt.Sprintf("SELECT d.id%s AND d.id >= $%d ORDER BY d.id DESC LIMIT %d", body, n+1, f.MaxTotal),
			append(args[:n:n], minID))
		if err != nil {
			return nil, 0, fmt.Errorf("store: search %s: window: %w", doc.table, err)
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
	// match.
	var total int
	count := "SELECT count(*)" + body
	if f.MaxTotal > 0 {
		count = fmt.Sprintf("SELECT count(*) FROM (SELECT 1%s LIMIT %d) m", body, f.MaxTotal)
	}
	if err := s.reader(ctx).QueryRowContext(ctx, count, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: search %s: count: %w", doc.table, err)
	}
	if total <= f.Offset {
		return nil, total, nil
	}
	// The count stopped at its cap: the query is broad (ranking every
	// match would mean reading each one's tsvector).
	if f.MaxTotal > 0 && total >= f.MaxTotal && !f.Newest {
		ids, err := s.broadPostgres(ctx, doc, q, f, cond, args, minID, window)
		if err != nil {
			return nil, 0, fmt.Errorf("store: search %s: broad: %w", doc.table, err)
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
