package service

import (
	"context"
	"html/template"
	"strings"

	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/search"
)

// MaxSearchResults is where counting search matches stops: past it the page
// says "more than", and nobody reads thirty pages of results. Counting
// further costs a search more than the rest of it: finding the newest
// 1,000 stories that hold all of eight everyday words took 18 ms, 300 took 8.
const MaxSearchResults = 300

// SearchHit is a found story with its highlighted passage (safe HTML).
type SearchHit struct {
	Story   model.Story
	Snippet template.HTML
}

// SearchResult is one page of search results.
type SearchResult struct {
	Query   string // as typed, trimmed
	Cleaned search.Query
	Section *model.Section
	Hits    []SearchHit
	Page    model.Pagination
	More    bool        // there are more than Page.Total matches
	Message []model.Msg // why nothing was searched, or what was left out of the query
	// TooBroad: the search ran past its time budget and was stopped;
	// Message asks for a narrower one.
	TooBroad bool
}

// SearchStories runs a reader's search over published stories, in a section
// when sectionSlug is set. Whatever was typed, it answers with results or a
// message, never with an error from the engine.
func (s *Service) SearchStories(ctx context.Context, q, sectionSlug string, page int) (*SearchResult, error) {
	return s.searchStories(ctx, q, sectionSlug, page, model.StoryPublished, StoriesPerPage, false)
}

// SearchFeed returns the newest published stories matching q, for
// /search.atom; a feed follows a topic, so it is ordered by date.
func (s *Service) SearchFeed(ctx context.Context, q, sectionSlug string) (*SearchResult, error) {
	return s.searchStories(ctx, q, sectionSlug, 1, model.StoryPublished, FeedSize, true)
}

// AdminSearchStories searches every story, drafts and withdrawn ones too.
func (s *Service) AdminSearchStories(ctx context.Context, q string, page int) (*SearchResult, error) {
	return s.searchStories(ctx, q, "", page, "", AdminStoriesPerPage, false)
}

func (s *Service) searchStories(ctx context.Context, q, sectionSlug string, page int, status string, size int, newest bool) (*SearchResult, error) {
	res := &SearchResult{Query: strings.TrimSpace(q), Page: model.Pagination{Number: 1, Size: size}}
	if len(res.Query) > 4*search.MaxInput {
		res.Query = res.Query[:4*search.MaxInput]
	}
	var sectionID int64
	if sectionSlug != "" {
		sec, err := s.store.SectionBySlug(ctx, sectionSlug)
		if err != nil {
			return nil, err
		}
		res.Section, sectionID = sec, sec.ID
	}
	res.Cleaned = search.Parse(res.Query)
	if res.Query == "" {
		return res, nil
	}
	res.Message = queryMessage(res.Cleaned)
	if res.Cleaned.Empty() {
		return res, nil
	}
	if page < 1 {
		return nil, model.Errorf(model.ENOTFOUND, "error.no_page", "Page", page)
	}
	var hits []model.SearchHit
	var total int
	broad, err := s.limitedSearch(ctx, func(ctx context.Context) error {
		var err error
		hits, total, err = s.store.SearchStories(ctx, res.Cleaned, model.SearchFilter{
			SectionID: sectionID, Status: status, Limit: size, Offset: (page - 1) * size, MaxTotal: MaxSearchResults + 1,
			Newest: newest,
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	if broad {
		res.Message, res.TooBroad = []model.Msg{model.M("search.too_broad")}, true
		for _, t := range res.Cleaned.Include() {
			if t.Phrase() {
				res.Message = []model.Msg{model.M("search.too_broad_phrase")}
			}
		}
		return res, nil
	}
	if total > MaxSearchResults {
		total, res.More = MaxSearchResults, true
	}
	p, err := paginate(page, size, total)
	if err != nil {
		return nil, err
	}
	res.Page = p
	for _, h := range hits {
		res.Hits = append(res.Hits, SearchHit{Story: h.Story, Snippet: search.Highlight(h.Snippet)})
	}
	return res, nil
}

// queryMessage explains what the cleaner did with a query, in words a reader
// in distress can act on.
func queryMessage(q search.Query) []model.Msg {
	switch {
	case q.Empty() && len(q.Exclude()) > 0:
		return []model.Msg{model.M("search.only_minus")}
	case q.Empty() && len(q.Dropped) > 0:
		return []model.Msg{model.M("search.only_common", "Words", strings.Join(q.Dropped, " "))}
	case q.Empty():
		return []model.Msg{model.M("search.type_words")}
	}
	var parts []model.Msg
	if len(q.Dropped) > 0 {
		parts = append(parts, model.M("search.dropped", "Words", strings.Join(q.Dropped, ", ")))
	}
	if q.Cut {
		parts = append(parts, model.M("search.cut"))
	}
	return parts
}
