package service

import (
	"context"

	"github.com/confide/confide/internal/model"
)

// SitemapStore is what the sitemap needs of the database.
type SitemapStore interface {
	SitemapChunks(ctx context.Context) ([]model.SitemapChunk, error)
	SitemapStories(ctx context.Context, from, to int64) ([]model.StoryStamp, error)
}

// SitemapChunkSize is how many story ids one sitemap file covers. The
// protocol allows 50,000 URLs a file; small files are made within a page's
// time budget even on a slow machine, and a crawler fetches only those whose
// lastmod changed. The store keeps each file's count and last change by
// triggers written for this size (migration 0012): change both together.
const SitemapChunkSize = 2000

// SitemapChunks lists the sitemap's story files that hold a published story.
func (s *Service) SitemapChunks(ctx context.Context) ([]model.SitemapChunk, error) {
	return s.store.SitemapChunks(ctx)
}

// SitemapStories lists the published stories of sitemap file n (1-based); a
// file with none is not found.
func (s *Service) SitemapStories(ctx context.Context, n int64) ([]model.StoryStamp, error) {
	if n < 1 || n > (1<<62)/SitemapChunkSize {
		return nil, model.ErrNotFound
	}
	list, err := s.store.SitemapStories(ctx, (n-1)*SitemapChunkSize+1, n*SitemapChunkSize)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, model.ErrNotFound
	}
	return list, nil
}
