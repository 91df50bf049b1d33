package web_test

import (
	"context"
	"encoding/xml"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/confide/confide/internal/app/apptest"
	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/model"
)

func searchURL(q string, extra ...string) string {
	v := url.Values{"q": {q}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return "/search?" + v.Encode()
}

func TestSearchPage(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		for _, sc := range []scenario{
			{name: "ranked, title first", url: searchURL("divorce"), wantStatus: 200,
				wantBody: []string{`<h3><a href="/stories/after-the-divorce-the-evenings-are-the-worst">`, "<mark>divorce</mark>", "Follow this search"}},
			{name: "phrase", url: searchURL(`"fresh start"`), wantStatus: 200,
				wantBody: []string{"1 story found", ayoTitle}},
			{name: "section filter", url: searchURL("divorce", "section", "family"), wantStatus: 200,
				wantBody: []string{"0 stories found", "in Family", "Search all sections", `href="/share"`, `href="/help"`, `href="/sections/relationships"`}},
			{name: "stop words only", url: searchURL("the and of"), wantStatus: 200,
				wantBody: []string{"has only very common words", `href="/help"`}, notBody: []string{"stories found"}},
			{name: "exclusions only", url: searchURL("-work"), wantStatus: 200, wantBody: []string{"A minus sign only leaves words out"}},
			{name: "long query", url: searchURL(strings.Repeat("lonely ", 1500)), wantStatus: 200,
				wantBody: []string{"only part of it was used"}},
			{name: "script", url: searchURL(`<script>alert(1)</script>`), wantStatus: 200,
				wantBody: []string{"&lt;script&gt;alert(1)&lt;/script&gt;"}, notBody: []string{"<script>alert"}},
			{name: "unknown section", url: searchURL("lonely", "section", "nope"), wantStatus: 404},
			{name: "page past the end", url: searchURL("lonely", "page", "9"), wantStatus: 404},
			{name: "bad page", url: searchURL("lonely", "page", "x"), wantStatus: 404},
			{name: "feed", url: "/search.atom?q=lonely", wantStatus: 200, wantType: "application/atom+xml",
				wantBody: []string{"stories about “lonely”", "<entry>"}},
			{name: "empty form", url: "/search", wantStatus: 200, notBody: []string{"Nothing found", "stories found"}},
		} {
			t.Run(sc.name, func(t *testing.T) { sc.run(t, site.URL) })
		}
		// Syntax that breaks naive search engines is never a 500.
		for _, q := range []string{`"`, `AND OR`, `*`, `NEAR(`, `trust:*`, `a & !b`, `(((`, `-`, `"unclosed phrase`, "\x00"} {
			for _, u := range []string{searchURL(q), "/search.atom?" + url.Values{"q": {q}}.Encode(), "/admin/search?" + url.Values{"q": {q}}.Encode()} {
				if resp, _ := do(t, "GET", site.URL+u, nil); resp.StatusCode >= 500 {
					t.Errorf("%s: %d", u, resp.StatusCode)
				}
			}
		}
	})
}

func TestSearchFollowsPublishing(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		addUser(t, site, "rose@example.org", model.RoleAdvisor)
		c := loginAs(t, site, "rose@example.org")
		ctx := context.Background()
		secs, _ := site.Service.Sections(ctx)
		st := model.Story{SectionID: secs[0].ID, Title: "The allotment saved my winter", Letter: "Digging the allotment every morning.",
			Reply: "Keep digging.", Status: model.StoryDraft}
		if err := site.Service.AddStory(ctx, &st); err != nil {
			t.Fatal(err)
		}
		// A draft: found by the admin search only.
		scenario{url: searchURL("allotment"), wantStatus: 200, wantBody: []string{"0 stories found"}}.run(t, site.URL)
		if _, body := get(t, c, site.URL+"/admin/search?q=allotment"); !strings.Contains(body, "The allotment saved my winter") ||
			!strings.Contains(body, ">draft<") || !strings.Contains(body, "<mark>allotment</mark>") {
			t.Fatalf("admin search lacks the draft:\n%s", body)
		}
		// Published through the admin area: found at once, and in the feed.
		resp, _ := post(t, c, site.URL+"/admin/stories/"+itoa(st.ID)+"/publish", url.Values{})
		if resp.StatusCode != 303 {
			t.Fatalf("publish: %d", resp.StatusCode)
		}
		scenario{url: searchURL("allotments"), wantStatus: 200, wantBody: []string{"1 story found", "The allotment saved my winter"}}.run(t, site.URL)
		_, feed := do(t, "GET", site.URL+"/search.atom?q=allotment", nil)
		var f struct {
			Entries []struct {
				Title string `xml:"title"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal([]byte(feed), &f); err != nil || len(f.Entries) != 1 || f.Entries[0].Title != st.Title {
			t.Fatalf("feed: %+v %v", f, err)
		}
		// Unpublished: gone at once.
		post(t, c, site.URL+"/admin/stories/"+itoa(st.ID)+"/unpublish", url.Values{})
		scenario{url: searchURL("allotment"), wantStatus: 200, wantBody: []string{"0 stories found"}}.run(t, site.URL)
	})
}

func TestRelatedStories(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		ctx := context.Background()
		secs, _ := site.Service.Sections(ctx)
		add := func(title, letter string) model.Story {
			st := model.Story{SectionID: secs[0].ID, Title: title, Letter: letter, Reply: "Dear friend, thank you for writing.",
				Status: model.StoryPublished, PublishedAt: apptest.Now}
			if err := site.Service.AddStory(ctx, &st); err != nil {
				t.Fatal(err)
			}
			return st
		}
		a := add("My beekeeping club shuns me", "Since the beekeeping club elections nobody at the hives talks to me. Beekeeping was my whole life.")
		b := add("Beekeeping after my stroke", "After the stroke my hands shake and the hives frighten me. I miss beekeeping.")
		page := "/stories/" + a.Slug
		// The list is made in the background after the first view; the
		// cached page then makes way for one with it.
		scenario{url: page, wantStatus: 200, notBody: []string{"Stories like this one"}}.run(t, site.URL)
		site.Service.WaitRelated()
		scenario{url: page, wantStatus: 200, wantBody: []string{"Stories like this one", `<a href="/stories/` + b.Slug + `">`}}.run(t, site.URL)
		_, body := do(t, "GET", site.URL+page, nil)
		related := body[strings.Index(body, "Stories like this one"):]
		related = related[:strings.Index(related, "</section>")]
		if strings.Contains(related, a.Slug) {
			t.Error("a story is related to itself")
		}
		if first := strings.Index(related, `<a href="/stories/`); first < 0 || !strings.HasPrefix(related[first:], `<a href="/stories/`+b.Slug) {
			t.Errorf("the beekeeping story should come first:\n%s", related)
		}
		if n := strings.Count(related, "<li>"); n != 5 {
			t.Errorf("%d related stories, want 5", n)
		}
		// The related story is unpublished: it leaves the list at once.
		if _, err := site.Service.SetStoryStatus(ctx, 0, b.ID, model.StoryDraft); err != nil {
			t.Fatal(err)
		}
		scenario{url: page, wantStatus: 200, wantBody: []string{"Stories like this one"}, notBody: []string{b.Slug}}.run(t, site.URL)

		// A new story like it joins the list once the stale list has been
		// made again in the background.
		site.Service.WaitRelated() // the page view above started a refresh
		c := add("Beekeeping club again", "The beekeeping club asked me back to the hives.")
		list, err := site.Service.RelatedStories(ctx, &a)
		if err != nil || slugIn(list, c.Slug) || len(list) == 0 {
			t.Fatalf("the stale list should be served first: %v %v", list, err)
		}
		site.Service.WaitRelated()
		list, err = site.Service.RelatedStories(ctx, &a)
		if err != nil || len(list) == 0 || list[0].Slug != c.Slug {
			t.Fatalf("refreshed list should start with %s: %v %v", c.Slug, list, err)
		}
	})
}

// Related lists are kept in the database: another instance (or this one
// after a restart) shows them on a story's first view instead of making
// them again, and a stale kept list is shown while a new one is made.
func TestRelatedStoriesKeptAcrossInstances(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		first := apptest.Start(t, db)
		ctx := context.Background()
		stories, _, err := first.Service.LatestStories(ctx, 1)
		if err != nil || len(stories) == 0 {
			t.Fatalf("demo stories: %v", err)
		}
		st := stories[0]
		if list, _ := first.Service.RelatedStories(ctx, &st); len(list) != 0 {
			t.Fatalf("a list before it was made: %v", list)
		}
		first.Service.WaitRelated()
		made, err := first.Service.RelatedStories(ctx, &st)
		if err != nil || len(made) == 0 {
			t.Fatalf("no list made: %v", err)
		}

		second := apptest.Instance(t, db)
		page := "/stories/" + st.Slug
		scenario{url: page, wantStatus: 200, wantBody: []string{"Stories like this one", `<a href="/stories/` + made[0].Slug + `">`}}.run(t, second.URL)
		list, err := second.Service.RelatedStories(ctx, &st)
		if err != nil || !slices.EqualFunc(list, made, func(a, b model.Story) bool { return a.ID == b.ID }) {
			t.Fatalf("second instance: %v, want %v (%v)", list, made, err)
		}

		// A change makes the kept list stale: it is still shown, less what
		// is no longer published, while the second instance makes a new one.
		if _, err := second.Service.SetStoryStatus(ctx, 0, made[0].ID, model.StoryDraft); err != nil {
			t.Fatal(err)
		}
		third := apptest.Instance(t, db)
		stale, err := third.Service.RelatedStories(ctx, &st)
		if err != nil || len(stale) != len(made)-1 || slugIn(stale, made[0].Slug) {
			t.Fatalf("stale kept list: %v (%v)", stale, err)
		}
		third.Service.WaitRelated()
		fresh, err := apptest.Instance(t, db).Service.RelatedStories(ctx, &st)
		if err != nil || len(fresh) != len(made) || slugIn(fresh, made[0].Slug) {
			t.Fatalf("the list made again is not kept: %v (%v)", fresh, err)
		}
	})
}

func slugIn(list []model.Story, slug string) bool {
	for _, st := range list {
		if st.Slug == slug {
			return true
		}
	}
	return false
}
