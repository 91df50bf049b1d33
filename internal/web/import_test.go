package web_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/confide/confide/internal/app/apptest"
	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/service"
	"github.com/confide/confide/internal/wxr"
)

func testExport(name string) service.ImportSource {
	return service.ImportSource{Name: name, Open: func() (io.ReadCloser, error) { return wxr.Open(name, 1<<30) }}
}

// A WordPress export imported into a running site: its posts are stories
// divided into letter and reply, its comments keep their threads, and the
// old site's addresses answer 301 to the new ones, /?p=ID even while the
// home page is cached.
func TestImportedSiteAnswers(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		ctx := context.Background()
		// The home page is in the cache before the import.
		if resp, _ := do(t, "GET", site.URL+"/", nil); resp.StatusCode != 200 {
			t.Fatal(resp.Status)
		}
		rep, err := site.Service.ImportWordPress(ctx, testExport("../wxr/testdata/site.xml"), nil)
		if err != nil {
			t.Fatal(err)
		}
		// work-and-money is a section of the demo already: it is used, not made.
		if rep.Stories != 5 || rep.Comments != 5 || rep.Sections != 2 || rep.Unsplit != 1 {
			t.Errorf("report %+v", rep)
		}

		for _, sc := range []scenario{
			{name: "story divided into letter and reply", url: "/stories/the-evenings-are-the-hardest", wantStatus: 200,
				wantBody: []string{`<div class="letter">`, "but the evenings are the hardest", "Margit’s reply", "It is not strange at all",
					"<strong>known</strong>", "Eat sitting down, even alone.", "4 comments", "in reply to", "Liisa"},
				notBody: []string{"javascript:", "Margit's reply:", "Pending Paula", "Cheap Pills", "Another blog", "Binned", "liisa@example.com"}},
			{name: "a post all reply has no withdrawn note", url: "/stories/a-few-words-before-winter", wantStatus: 200,
				wantBody: []string{"The nights are getting longer", "<strong>eat less</strong>"},
				notBody:  []string{"withdrew", "document.write", "tracking", "<iframe"}},
			{name: "closed comments stay closed", url: "/stories/i-lost-my-job", wantStatus: 200,
				wantBody: []string{"Comments on this story are closed."}, notBody: []string{`<form class="comment-form`}},
			{name: "non-ASCII slug", url: "/stories/uber-das-heimweh", wantStatus: 200, wantBody: []string{"homesickness is love for a place"}},
			{name: "a draft is not public", url: "/stories/draft-my-sister-does-not-call", wantStatus: 404},
			{name: "new section", url: "/sections/loneliness", wantStatus: 200, wantBody: []string{"The evenings are the hardest", "Über das Heimweh"}},
		} {
			t.Run(sc.name, func(t *testing.T) { sc.run(t, site.URL) })
		}

		for path, want := range map[string]string{
			"/?p=101":                "/stories/the-evenings-are-the-hardest",
			"/?p=102&utm_source=old": "/stories/i-lost-my-job",
			"/2019/11/04/the-evenings-are-the-hardest/": "/stories/the-evenings-are-the-hardest",
			"/2019/11/04/the-evenings-are-the-hardest":  "/stories/the-evenings-are-the-hardest",
			"/2019/11/the-evenings-are-the-hardest/":    "/stories/the-evenings-are-the-hardest",
			"/the-evenings-are-the-hardest/":            "/stories/the-evenings-are-the-hardest",
			"/2020/03/i-lost-my-job/":                   "/stories/i-lost-my-job",
			"/2021/01/15/%C3%BCber-das-heimweh/":        "/stories/uber-das-heimweh",
			"/2021/01/15/%c3%bcber-das-heimweh/":        "/stories/uber-das-heimweh",
			"/category/loneliness/":                     "/sections/loneliness",
			"/?cat=4":                                   "/sections/work-and-money",
		} {
			resp, _ := do(t, "GET", site.URL+path, nil)
			if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != want {
				t.Errorf("%s: %s to %q, want 301 to %s", path, resp.Status, resp.Header.Get("Location"), want)
			}
		}
		for _, path := range []string{"/?p=104" /* a draft */, "/?p=999", "/?p=abc", "/no-such-post/", "/category/none/"} {
			if resp, body := do(t, "GET", site.URL+path, nil); resp.StatusCode != 404 || !strings.Contains(body, "could not find") {
				t.Errorf("%s: %s, want the 404 page", path, resp.Status)
			}
		}
		// The home page itself is still the home page.
		if resp, body := do(t, "GET", site.URL+"/?utm_source=x", nil); resp.StatusCode != 200 || !strings.Contains(body, `<ol class="stories"`) {
			t.Errorf("home after the import: %s", resp.Status)
		}

		// Search finds the imported words.
		if resp, body := do(t, "GET", site.URL+"/search?q=homesickness", nil); resp.StatusCode != 200 || !strings.Contains(body, "Über das Heimweh") {
			t.Errorf("search: %s", resp.Status)
		}
	})
}
