package store_test

import (
	"context"
	"os"
	"testing"

	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/search"
)

// FuzzSearchQuery feeds any input through the query cleaner to both engines:
// none may return an error. `go test` runs the seeds (the hostile queries);
// `go test -fuzz FuzzSearchQuery ./internal/store` looks for more.
func FuzzSearchQuery(f *testing.F) {
	for _, q := range hostileQueries {
		f.Add(q)
	}
	dbs := []*database.DB{dbtest.SQLite(f)}
	if os.Getenv(dbtest.PostgresEnv) != "" {
		dbs = append(dbs, dbtest.Postgres(f))
	}
	sites := make([]*searchSite, len(dbs))
	for i, db := range dbs {
		sites[i] = newSearchSite(f, db)
	}
	f.Fuzz(func(t *testing.T, in string) {
		q := search.Parse(in)
		for _, site := range sites {
			for _, any := range []bool{false, true} {
				q.Any = any
				if _, _, err := site.st.SearchStories(context.Background(), q, model.SearchFilter{Status: model.StoryPublished, Limit: 5}); err != nil {
					t.Fatalf("%s: %q → %q (any=%v): %v", site.dialect, in, q.String(), any, err)
				}
			}
		}
	})
}
