package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/confide/confide/internal/model"
)

// RelatedList returns the stored related stories of a story (ids, best
// first) and the search version they were made at; model.ErrNotFound when
// none was made yet.
func (s *Store) RelatedList(ctx context.Context, storyID int64) ([]int64, int64, error) {
	var text string
	var version int64
	err := s.reader(ctx).QueryRowContext(ctx, `SELECT related, version FROM related_stories WHERE story_id = $1`, storyID).
		Scan(&text, &version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, model.ErrNotFound
	}
	if err != nil {
		return nil, 0, fmt.Errorf("store: related list of %d: %w", storyID, err)
	}
	var ids []int64
	for _, f := range strings.Split(text, ",") {
		if f == "" {
			continue
		}
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, 0, fmt.Errorf("store: related list of %d: %q: %w", storyID, text, err)
		}
		ids = append(ids, id)
	}
	return ids, version, nil
}

// SaveRelatedList keeps a story's related stories made at version, unless a
// list made at a later version is already kept (another instance may have
// made one meanwhile). It is not a change of content: no cache is dropped.
func (s *Store) SaveRelatedList(ctx context.Context, storyID int64, ids []int64, version int64, at time.Time) error {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	_, err := s.writer(ctx).ExecContext(ctx, `INSERT INTO related_stories (story_id, related, version, made_at)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (story_id) DO UPDATE SET related = excluded.related, version = excluded.version, made_at = excluded.made_at
		WHERE related_stories.version <= excluded.version`, storyID, strings.Join(parts, ","), version, ts(at))
	if err != nil {
		return fmt.Errorf("store: save related list of %d: %w", storyID, err)
	}
	return nil
}

// PublishedStoryIDs returns the ids of every published story, oldest first
// (importers and benchmarks walk them).
func (s *Store) PublishedStoryIDs(ctx context.Context) ([]int64, error) {
	ids, err := s.ids(ctx, `SELECT id FROM stories WHERE status = 'published' ORDER BY id`, nil)
	if err != nil {
		return nil, fmt.Errorf("store: published story ids: %w", err)
	}
	return ids, nil
}

// PublishedStoriesByID returns those of ids that are published stories
// (for lists: no reply), in the order of ids.
func (s *Store) PublishedStoriesByID(ctx context.Context, ids []int64) ([]model.Story, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	byID, err := s.storiesByID(ctx, ids, false)
	if err != nil {
		return nil, err
	}
	var out []model.Story
	for _, id := range ids {
		if st, ok := byID[id]; ok && st.Status == model.StoryPublished {
			out = append(out, st)
		}
	}
	return out, nil
}
