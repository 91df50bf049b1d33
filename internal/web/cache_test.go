package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/confide/confide/internal/app/apptest"
	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
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

// Two instances on one database are one site: a login made on one works
// on the other, a CAPTCHA one gave is answered on the other, and a change
// made through one shows on the other within a second.
func TestTwoInstancesAreOneSite(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		a := apptest.Start(t, db)
		b := apptest.Instance(t, db)
		setLayers(t, a, service.AntiSpam{Captcha: true, Trap: true, Policy: service.PolicyPublish})
		addUser(t, a, "rose@example.org", model.RoleAdvisor)
		rose := loginAs(t, a, "rose@example.org") // its cookie goes to b too: same host
		if resp, _ := get(t, rose, b.URL+"/admin/letters"); resp.StatusCode != http.StatusOK {
			t.Errorf("the session from a on b: %d", resp.StatusCode)
		}
		slug := slugOf(lenaTitle)
		reader := browserClient(t)
		answer := challenge(t, a, reader)
		b.Clock.Advance(5 * time.Second) // a form older than 2 s, on b's clock
		f := commentForm("Ines", "ines@example.org", "Answered on the other instance.")
		f.Set("answer", answer)
		if resp, page := post(t, reader, b.URL+"/stories/"+slug+"/comments", f); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("a CAPTCHA from a answered on b: %d\n%s", resp.StatusCode, page)
		}
		// A story edited through a: b shows it within a second.
		warmStory(t, b, slug)
		st, err := a.Service.PublishedStory(context.Background(), slug)
		if err != nil {
			t.Fatal(err)
		}
		_, err = a.Service.UpdateStory(context.Background(), 0, st.ID, service.StoryInput{Title: st.Title + " (edited)",
			Slug: st.Slug, SectionID: st.SectionID, AuthorName: st.AuthorName, Letter: st.Letter, Reply: st.Reply,
			AdvisorName: st.AdvisorName, Signature: st.Signature})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		for {
			if _, page := do(t, "GET", b.URL+"/stories/"+slug, nil); strings.Contains(page, "(edited)") {
				break
			}
			if time.Since(start) > time.Second {
				t.Fatal("b did not show the edit made through a within a second")
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Logf("b showed the edit after %s", time.Since(start).Round(time.Millisecond))
	})
}

// A cached page asked for without gzip is the same page as with it, byte
// for byte, the first time (inflated) and after (kept inflated), and the
// Latest Comments box still follows new comments.
func TestCachedPageWithoutGzip(t *testing.T) {
	site := apptest.Start(t, dbtest.SQLite(t))
	slug := slugOf(lenaTitle)
	gz := map[string]string{"Accept-Encoding": "gzip"}
	plain := map[string]string{"Accept-Encoding": "identity"}
	warmStory(t, site, slug)                    // its related stories made: the page is stable
	do(t, "GET", site.URL+"/stories/"+slug, gz) // cached now
	_, want := do(t, "GET", site.URL+"/stories/"+slug, gz)
	for i := 0; i < 3; i++ {
		resp, got := do(t, "GET", site.URL+"/stories/"+slug, plain)
		if resp.Header.Get("Content-Encoding") != "" || got != want {
			t.Fatalf("ask %d without gzip: %q, %d bytes, want %d", i, resp.Header.Get("Content-Encoding"), len(got), len(want))
		}
		if resp.Header.Get("Content-Length") != strconv.Itoa(len(got)) {
			t.Fatalf("Content-Length %s for %d bytes", resp.Header.Get("Content-Length"), len(got))
		}
	}
	addComment(t, site, slugOf(nadiaTitle), "A new comment for the Latest Comments box.")
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, got := do(t, "GET", site.URL+"/stories/"+slug, plain)
		_, zipped := do(t, "GET", site.URL+"/stories/"+slug, gz)
		if strings.Contains(got, "A new comment for the Latest") && got == zipped {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the page without gzip does not follow the Latest Comments box")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
