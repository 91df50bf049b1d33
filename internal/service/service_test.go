package service_test

import (
	"context"
	"testing"
	"time"

	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
	"github.com/confide/confide/internal/store"
)

var now = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func newService(t *testing.T, db *database.DB) (*service.Service, model.Section) {
	t.Helper()
	st := store.New(db)
	svc := service.New(st, service.Options{Now: func() time.Time { return now }})
	st.OnChange(svc.ContentChanged)
	sec := model.Section{Name: "  Work and money "}
	if err := svc.AddSection(context.Background(), &sec); err != nil {
		t.Fatal(err)
	}
	if sec.Slug != "work-and-money" || sec.Name != "Work and money" {
		t.Fatalf("section %+v", sec)
	}
	return svc, sec
}

func TestStoryRules(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		svc, sec := newService(t, db)

		// Validation names each bad field and stores nothing.
		bad := model.Story{Title: "  ", Status: "maybe"}
		err := svc.AddStory(ctx, &bad)
		var e *model.Error
		if model.ErrorCode(err) != model.EINVALID {
			t.Fatalf("invalid story: %v", err)
		}
		e = err.(*model.Error)
		for _, f := range []string{"title", "letter", "section", "status"} {
			if e.Fields[f].ID == "" {
				t.Errorf("no message for field %s", f)
			}
		}

		// Same title twice: unique slugs; times default from the clock.
		var slugs []string
		for i := 0; i < 3; i++ {
			st := model.Story{Title: "Lonely after divorce", Letter: "l", SectionID: sec.ID, Status: model.StoryPublished}
			if err := svc.AddStory(ctx, &st); err != nil {
				t.Fatal(err)
			}
			if !st.PublishedAt.Equal(now) || !st.CreatedAt.Equal(now) {
				t.Errorf("times not set from the clock: %+v", st)
			}
			slugs = append(slugs, st.Slug)
		}
		if slugs[0] != "lonely-after-divorce" || slugs[1] != "lonely-after-divorce-2" || slugs[2] != "lonely-after-divorce-3" {
			t.Fatalf("slugs %v", slugs)
		}

		// Drafts are not found by readers; withdrawn stories are gone.
		for status, code := range map[string]string{model.StoryDraft: model.ENOTFOUND, model.StoryWithdrawn: model.EGONE} {
			st := model.Story{Title: "Hidden " + status, Letter: "l", SectionID: sec.ID, Status: status}
			if err := svc.AddStory(ctx, &st); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.PublishedStory(ctx, st.Slug); model.ErrorCode(err) != code {
				t.Errorf("%s story: %v", status, err)
			}
		}
		got, err := svc.PublishedStory(ctx, slugs[0])
		if err != nil || got.Title != "Lonely after divorce" {
			t.Fatalf("published story: %+v %v", got, err)
		}

		// Pages past the end do not exist; page 1 always does.
		list, p, err := svc.LatestStories(ctx, 1)
		if err != nil || len(list) != 3 || p.Pages() != 1 {
			t.Fatalf("page 1: %d stories, %+v, %v", len(list), p, err)
		}
		if _, _, err := svc.LatestStories(ctx, 2); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("page 2: %v", err)
		}
		if _, _, _, err := svc.SectionStories(ctx, "nope", 1); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("unknown section: %v", err)
		}
	})
}

func TestSeedOnce(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		svc := service.New(store.New(db), service.Options{Now: func() time.Time { return now }})
		seed := service.Seed{
			Sections: []model.Section{{Slug: "family", Name: "Family"}},
			Stories: []service.SeedStory{{SectionSlug: "family",
				Story:    model.Story{Title: "T", Letter: "L", Status: model.StoryPublished},
				Comments: []model.Comment{{AuthorName: "A", Body: "B", Status: model.CommentApproved}}}},
			Settings: map[string]string{model.SettingSiteName: "Seeded"},
		}
		for i, want := range []bool{true, false} {
			loaded, err := svc.SeedIfEmpty(ctx, seed)
			if err != nil || loaded != want {
				t.Fatalf("seed #%d: loaded %v, %v", i+1, loaded, err)
			}
		}
		list, _, _ := svc.LatestStories(ctx, 1)
		if len(list) != 1 || list[0].CommentCount != 1 {
			t.Fatalf("after seeding twice: %+v", list)
		}
		site, _ := svc.SiteSettings(ctx)
		if site.SiteName != "Seeded" || site.Mission == "" {
			t.Fatalf("settings with defaults: %+v", site)
		}
		// A seed that fails half-way leaves nothing behind.
		db2 := dbtest.SQLite(t)
		svc2 := service.New(store.New(db2), service.Options{Now: func() time.Time { return now }})
		broken := seed
		broken.Stories = append(broken.Stories, service.SeedStory{SectionSlug: "missing", Story: model.Story{Title: "X", Letter: "Y", Status: model.StoryPublished}})
		if _, err := svc2.SeedIfEmpty(ctx, broken); err == nil {
			t.Fatal("seed with an unknown section should fail")
		}
		if secs, _ := svc2.Sections(ctx); len(secs) != 0 {
			t.Fatalf("failed seed left %d sections", len(secs))
		}
	})
}

func TestPages(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		svc, _ := newService(t, db)
		p, err := svc.Page(ctx, "about")
		if err != nil || p.Body == "" {
			t.Fatalf("default about page: %+v %v", p, err)
		}
		if _, err := svc.Page(ctx, "secret"); model.ErrorCode(err) != model.ENOTFOUND {
			t.Fatalf("unknown page: %v", err)
		}
		if err := svc.SavePage(ctx, &model.Page{Slug: "about", Title: " "}); model.ErrorCode(err) != model.EINVALID {
			t.Fatalf("page without title: %v", err)
		}
		if err := svc.SavePage(ctx, &model.Page{Slug: "about", Title: "Who we are", Body: "Us."}); err != nil {
			t.Fatal(err)
		}
		if p, _ := svc.Page(ctx, "about"); p.Title != "Who we are" || !p.UpdatedAt.Equal(now) {
			t.Fatalf("saved page: %+v", p)
		}
	})
}

func TestContentVersionSeesLocalWritesAtOnce(t *testing.T) {
	db := dbtest.SQLite(t)
	ctx := context.Background()
	svc, sec := newService(t, db)
	v1, err := svc.ContentState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st := model.Story{Title: "New", Letter: "l", SectionID: sec.ID, Status: model.StoryPublished}
	if err := svc.AddStory(ctx, &st); err != nil {
		t.Fatal(err)
	}
	if v2, _ := svc.ContentState(ctx); v2.Version <= v1.Version {
		t.Fatalf("version %+v after a local write, was %+v", v2, v1)
	}
}
