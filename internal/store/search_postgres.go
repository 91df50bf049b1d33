package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/search"
)

// rankWindow: on PostgreSQL the newest candidates of a broad query are its
// matches among the newest rankWindow × rankCandidates documents.
const rankWindow = 1

// searchIDsPostgres finds one page of q's matches on PostgreSQL, best first,
// and their number (counted up to f.MaxTotal when that is set).
func (s *Store) searchIDsPostgres(ctx context.Context, doc searchable, q search.Query, f model.SearchFilter) ([]int64, int, error) {
	expr, args := tsQuery(q, 1)
	rank := "ts_rank(d.search, " + expr + ") DESC"
	where := []string{"d.search @@ " + expr}
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
	body := " FROM " + doc.table + " d WHERE " + strings.Join(where, " AND ")

	// A count that stops at the limit is far cheaper than ordering every
	// match, so the newest are taken as a window of ids.
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
	if f.Newest {
		rank = "d.published_at DESC"
	} else if f.MaxTotal > 0 && total >= f.MaxTotal && total > rankCandidates {
		// A broad query: ranking every match (tens of thousands on a big
		// site) costs far more than a reader waits. Rank the stories whose
		// title matches and the newest matches.
		var minID int64
		if err := s.reader(ctx).QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM "+doc.table).Scan(&minID); err != nil {
			return nil, 0, fmt.Errorf("store: search %s: newest: %w", doc.table, err)
		}
		minID -= int64(rankWindow * rankCandidates)
		// Written on d itself, so PostgreSQL combines the id range and the
		// title index (stories_title_search) with the search index in
		// bitmaps.
		include, targs := tsQuery(search.Query{Terms: q.Include(), Any: q.Any}, len(args)+2)
		body += fmt.Sprintf(" AND (d.id >= $%d OR to_tsvector('english', d.%s) @@ %s)", len(args)+1, doc.titleCol, include)
		args = append(append(args, minID), targs...)
	}
	n := len(args)
	ids, err := s.ids(ctx, fmt.Sprintf("SELECT d.id%s ORDER BY %s, d.published_at DESC, d.id DESC LIMIT $%d OFFSET $%d",
		body, rank, n+1, n+2), append(args, f.Limit, f.Offset))
	if err != nil {
		return nil, 0, fmt.Errorf("store: search %s: %w", doc.table, err)
	}
	return ids, total, nil
}
