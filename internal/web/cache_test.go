package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/confide/confide/internal/app/apptest"
	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/model"
)

func addComment(t *testing.T, site *apptest.Site, slug, body string) {
	t.Helper()
	st, err := site.Service.PublishedStory(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	c := model.Comment{StoryID: st.ID, AuthorName: "Cache test", Body: body, Status: model.CommentApproved, CreatedAt: apptest.Now}
	if err := site.Service.AddComment(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
}

// A change made through an instance shows on its very next page view, on
// every cached page it touches.
func TestCacheShowsOwnWritesAtOnce(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		slug := slugOf(lenaTitle)
		warmStory(t, site, slug)
		first, page := do(t, "GET", site.URL+"/stories/"+slug, nil)
		again, _ := do(t, "GET", site.URL+"/stories/"+slug, nil)
		if first.Header.Get("ETag") != again.Header.Get("ETag") || strings.Contains(page, "fresh words") {
			t.Fatal("unchanged page should keep its ETag")
		}
		do(t, "GET", site.URL+"/", nil) // cache the home page too
		addComment(t, site, slug, "Some fresh words of support.")
		resp, page := do(t, "GET", site.URL+"/stories/"+slug, nil)
		if !strings.Contains(page, "Some fresh words of support.") || !strings.Contains(page, "4 comments") {
			t.Fatal("the new comment is missing from the story page right after it was added")
		}
		if resp.Header.Get("ETag") == first.Header.Get("ETag") {
			t.Error("ETag did not change with the page")
		}
		if _, home := do(t, "GET", site.URL+"/", nil); !strings.Contains(home, "Some fresh words of support.") {
			t.Error("the Latest Comments sidebar on the cached home page missed the new comment")
		}
	})
}

// Two instances on one database behave as one site: what one writes, the
// other shows once it next checks the content version (within
// service.VersionMaxAge).
func TestCacheAcrossInstances(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		a := apptest.Start(t, db)
		b := apptest.Instance(t, db)
		slug := slugOf(lenaTitle)
		if _, page := do(t, "GET", b.URL+"/stories/"+slug, nil); !strings.Contains(page, "3 comments") {
			t.Fatal("instance b does not serve the story")
		}
		addComment(t, a, slug, "Written through instance a.")
		deadline := time.Now().Add(5 * time.Second)
		for {
			_, page := do(t, "GET", b.URL+"/stories/"+slug, nil)
			if strings.Contains(page, "Written through instance a.") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("instance b never showed the comment written through instance a")
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

// warmStory views a story once and waits for its related stories, which
// are made in the background after a first view and change the page.
func warmStory(t *testing.T, site *apptest.Site, slug string) {
	t.Helper()
	do(t, "GET", site.URL+"/stories/"+slug, nil)
	site.Service.WaitRelated()
}
