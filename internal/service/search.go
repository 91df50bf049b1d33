package service

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/confide/confide/internal/model"
)

// SearchResult is one page of search results.
type SearchResult struct {
	Query   string
	Section *model.Section
	Stories []model.Story
	Page    model.Pagination
}

// maxSearchWords bounds the work one query can cause.
const maxSearchWords = 8

// SearchStories finds published stories containing every word of q, in a
// section when sectionSlug is set. Until ranked full-text search lands this
// is a plain substring match, newest first.
func (s *Service) SearchStories(ctx context.Context, q, sectionSlug string, page int) (*SearchResult, error) {
	if utf8.RuneCountInString(q) > 500 {
		q = string([]rune(q)[:500])
	}
	res := &SearchResult{Query: strings.TrimSpace(q), Page: model.Pagination{Number: 1, Size: StoriesPerPage}}
	var sectionID int64
	if sectionSlug != "" {
		sec, err := s.store.SectionBySlug(ctx, sectionSlug)
		if err != nil {
			return nil, err
		}
		res.Section, sectionID = sec, sec.ID
	}
	words := strings.Fields(strings.ToLower(res.Query))
	if len(words) > maxSearchWords {
		words = words[:maxSearchWords]
	}
	if len(words) == 0 {
		return res, nil
	}
	if page < 1 {
		return nil, model.Errorf(model.ENOTFOUND, "There is no page %d here.", page)
	}
	list, total, err := s.store.SearchStoriesSimple(ctx, words, sectionID, StoriesPerPage, (page-1)*StoriesPerPage)
	if err != nil {
		return nil, err
	}
	p, err := paginate(page, StoriesPerPage, total)
	res.Stories, res.Page = list, p
	return res, err
}
