package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/confide/confide/internal/app/apptest"
	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/model"
)

func TestStoryEditorFlow(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		addUser(t, site, "rose@example.org", model.RoleAdvisor)
		c := loginAs(t, site, "rose@example.org")
		secs, _ := site.Service.Sections(context.Background())
		section := strconv.FormatInt(secs[1].ID, 10)

		// The form shows the site's signature to start with.
		if _, body := get(t, c, site.URL+"/admin/stories/new"); !strings.Contains(body, "With warmth, Rose") {
			t.Fatal("new story form lacks the default signature")
		}
		// Mistakes are shown next to the fields and nothing typed is lost.
		resp, body := post(t, c, site.URL+"/admin/stories", url.Values{"title": {""}, "letter": {"My letter text"}, "action": {"save"}})
		if resp.StatusCode != 400 || !strings.Contains(body, "A title is required.") || !strings.Contains(body, "My letter text") ||
			!strings.Contains(body, "Choose a section.") {
			t.Fatalf("invalid story: %d", resp.StatusCode)
		}
		form := url.Values{"title": {"Nobody calls me back"}, "section": {section}, "author_name": {"Tom"},
			"letter": {"First paragraph.\n\nSecond <b>paragraph</b>."}, "reply": {"Dear Tom,\n\nYou **matter**."},
			"advisor_name": {"Rose"}, "signature": {"With warmth, Rose"}}
		// Preview renders the Markdown and saves nothing.
		form.Set("action", "preview")
		resp, body = post(t, c, site.URL+"/admin/stories", form)
		if resp.StatusCode != 200 || !strings.Contains(body, "You <strong>matter</strong>.") || !strings.Contains(body, "Second &lt;b&gt;paragraph") {
			t.Fatalf("preview: %d", resp.StatusCode)
		}
		if list, _, _ := site.Service.AdminStories(context.Background(), "Nobody calls", "", 1); len(list) != 0 {
			t.Fatal("preview saved the story")
		}
		// Save as a draft: not on the public site.
		form.Set("action", "save")
		resp, _ = post(t, c, site.URL+"/admin/stories", form)
		loc := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || !regexp.MustCompile(`^/admin/stories/\d+$`).MatchString(loc) {
			t.Fatalf("save draft: %d %s", resp.StatusCode, loc)
		}
		if _, body := get(t, c, site.URL+loc); !strings.Contains(body, "Saved “Nobody calls me back” as a draft.") || !strings.Contains(body, ">draft<") {
			t.Fatal("draft page lacks the flash or the status")
		}
		public := site.URL + "/stories/nobody-calls-me-back"
		if resp, _ := get(t, c, public); resp.StatusCode != 404 {
			t.Fatalf("draft is public: %d", resp.StatusCode)
		}
		// Publish: on the site at once, the reply rendered.
		if resp, _ := post(t, c, site.URL+loc+"/publish", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("publish: %d", resp.StatusCode)
		}
		resp, body = get(t, c, public)
		if resp.StatusCode != 200 || !strings.Contains(body, "You <strong>matter</strong>.") || !strings.Contains(body, "Shared by Tom") {
			t.Fatalf("published story: %d", resp.StatusCode)
		}
		if _, home := get(t, c, site.URL+"/"); !strings.Contains(home, "Nobody calls me back") {
			t.Error("the home page does not list the new story")
		}
		// Edit: the change shows on the (cached) public page at once.
		form.Set("title", "Nobody ever calls me back")
		resp, _ = post(t, c, site.URL+loc, form)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("update: %d", resp.StatusCode)
		}
		if _, body := get(t, c, public); !strings.Contains(body, "<h1>Nobody ever calls me back</h1>") {
			t.Error("edited title not on the public page")
		}
		// A taken address is refused next to the field.
		form.Set("slug", "he-reads-my-messages-and-says-it-is-because-he-loves-me")
		resp, body = post(t, c, site.URL+loc, form)
		if resp.StatusCode != 400 || !strings.Contains(body, "Another story already has this address.") {
			t.Errorf("taken slug: %d", resp.StatusCode)
		}
		// A new address keeps the old one as a permanent redirect.
		form.Set("slug", "nobody-calls")
		if resp, _ := post(t, c, site.URL+loc, form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("new address: %d", resp.StatusCode)
		}
		if resp, _ := get(t, c, public); resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/stories/nobody-calls" {
			t.Errorf("old address: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		public = site.URL + "/stories/nobody-calls"
		// Unpublish: gone from the site; delete: gone for good.
		post(t, c, site.URL+loc+"/unpublish", nil)
		if resp, _ := get(t, c, public); resp.StatusCode != 404 {
			t.Errorf("unpublished story still public: %d", resp.StatusCode)
		}
		if _, body := get(t, c, site.URL+loc+"/delete"); !strings.Contains(body, "Delete the story") {
			t.Error("no delete confirmation page")
		}
		if resp, _ := post(t, c, site.URL+loc+"/delete", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("delete: %d", resp.StatusCode)
		}
		if resp, _ := get(t, c, site.URL+loc); resp.StatusCode != 404 {
			t.Errorf("deleted story still editable: %d", resp.StatusCode)
		}
		// Every step is in the audit log.
		log, _, _ := site.Service.AuditLog(context.Background(), 1)
		var actions []string
		for _, e := range log {
			actions = append(actions, e.Action)
		}
		got := strings.Join(actions, " ")
		for _, want := range []string{"story.delete", "story.unpublish", "story.update", "story.publish", "story.create"} {
			if !strings.Contains(got, want) {
				t.Errorf("audit log lacks %s: %s", want, got)
			}
		}
	})
}

func TestPublishNeedsAReply(t *testing.T) {
	site := apptest.Start(t, dbtest.SQLite(t))
	addUser(t, site, "rose@example.org", model.RoleAdvisor)
	c := loginAs(t, site, "rose@example.org")
	secs, _ := site.Service.Sections(context.Background())
	resp, body := post(t, c, site.URL+"/admin/stories", url.Values{"title": {"No reply yet"}, "section": {strconv.FormatInt(secs[0].ID, 10)},
		"letter": {"A letter."}, "action": {"publish"}})
	if resp.StatusCode != 400 || !strings.Contains(body, "Write the reply before publishing.") {
		t.Fatalf("publish without reply: %d", resp.StatusCode)
	}
	// The list filters by title and status.
	if _, body := get(t, c, site.URL+"/admin/stories?q=divorce&status=published"); !strings.Contains(body, "After the divorce") || strings.Contains(body, "He reads my messages") {
		t.Error("title filter does not work")
	}
	if resp, _ := get(t, c, site.URL+"/admin/stories?status=bogus"); resp.StatusCode != 400 {
		t.Errorf("bad status filter: %d", resp.StatusCode)
	}
}
