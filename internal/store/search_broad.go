package store

import (
	"fmt"

	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/search"
)

// A broad query matches so many stories (tens of thousands on a big site)
// that ranking them all costs far more than a reader waits. It ranks two
// kinds of candidates instead, each read in a way the engine can seek to,
// never by walking every match:
//
//   - the stories whose title matches, newest first, ahead of all others
//     (their title is where the words weigh most);
//   - the newest rankCandidates matches (the window), by rank.
//
// A query of any of its words (related stories) ranks both together
// instead: a title holding one of eight words is no sign of a close match.
//
// When the window fills more than denseShare of the newest stories, every
// word of the query is in more than that share of them: an everyday word of
// the site. Rank gives such words next to no weight (bm25's inverse document
// frequency is below zero and clamped), yet reckoning it reads every match's
// text or whole doclists, so a dense window stays newest first. So does the
// window of a query not worth ranking (search.Query.Unranked).

// rankCandidates is how many of the newest documents a broad query ranks
// the matches of on PostgreSQL, besides those whose title matches.
var rankCandidates = 1000

// rankMatches is how many of the newest matches a query ranks on SQLite,
// besides those whose title matches: a query with more is broad. FTS5's
// bm25 costs about 15 µs a match here (a thousand matches took 15 ms of a
// 20 ms search), and among hundreds of stories that hold every word of a
// query the newest few hundred rank as well as any: the best of them,
// those with the words in their title, come first whatever their age.
var rankMatches = 300

// maxTitleCandidates bounds the older title matches a broad query ranks.
const maxTitleCandidates = 200

// denseShare: see above.
const denseShare = 0.5

// broadParts is how one engine answers the parts of a broad query.
type broadParts struct {
	// titles returns up to limit stories whose title matches the query's
	// words, newest first (without the filter or the exclusions).
	titles func(limit int) ([]int64, error)
	// check returns those of ids that match the whole query and pass the
	// filter, newest first.
	check func(ids []int64) ([]int64, error)
	// rank returns the first n of window (matches from minID on) and
	// extra (more matches), best first.
	rank func(minID int64, window, extra []int64, n int) ([]int64, error)
}

// broadPage returns page f of a broad query whose window (its matches from
// minID on that pass the filter, newest first) is given.
func broadPage(q search.Query, minID int64, window []int64, f model.SearchFilter, p broadParts) ([]int64, error) {
	inWindow := make(map[int64]bool, len(window))
	for _, id := range window {
		inWindow[id] = true
	}
	titleIDs, err := p.titles(len(window) + maxTitleCandidates)
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
		found, err := p.check(older)
		if err != nil {
			return nil, fmt.Errorf("older title matches: %w", err)
		}
		titles = append(titles, found...)
	}
	end := f.Offset + f.Limit
	if q.Any {
		var extra []int64
		for _, id := range titles {
			if !inWindow[id] {
				extra = append(extra, id)
			}
		}
		list, err := p.rank(minID, window, extra, end)
		if err != nil {
			return nil, fmt.Errorf("candidates: %w", err)
		}
		return list[min(f.Offset, len(list)):], nil
	}
	if end <= len(titles) {
		return titles[f.Offset:end], nil
	}
	// Some queries are not worth ranking (see search.Query.Unranked):
	// their newest matches follow the title matches.
	rest := window
	if !dense(window) && !q.Unranked() {
		if rest, err = p.rank(minID, window, nil, end); err != nil {
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

// dense reports whether newest (ids, newest first) fill more than
// denseShare of the ids they span.
func dense(newest []int64) bool {
	if len(newest) < 2 {
		return false
	}
	span := newest[0] - newest[len(newest)-1] + 1
	return float64(len(newest)) > denseShare*float64(span)
}
