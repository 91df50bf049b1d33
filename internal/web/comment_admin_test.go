package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/confide/confide/internal/app/apptest"
	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
)

// postComment posts a comment with every layer off but the policy, and
// returns its private page's address.
func postComment(t *testing.T, site *apptest.Site, slug, name, email, body string) string {
	t.Helper()
	resp, page := post(t, browserClient(t), site.URL+"/stories/"+slug+"/comments", commentForm(name, email, body))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("post %q: %d\n%s", body, resp.StatusCode, page)
	}
	return resp.Header.Get("Location")
}

func commentID(t *testing.T, mine string) string {
	t.Helper()
	m := regexp.MustCompile(`^/comments/(\d+)/mine`).FindStringSubmatch(mine)
	if m == nil {
		t.Fatalf("private link %q", mine)
	}
	return m[1]
}

// The writer may edit or delete a comment for 15 minutes through its
// private link, and not after.
func TestOwnCommentWindow(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		setLayers(t, site, service.AntiSpam{Links: true, MaxLinks: 0, Policy: service.PolicyPublish})
		slug := slugOf(lenaTitle)
		mine := postComment(t, site, slug, "Ana", "ana@example.org", "First words of support.")
		k := strings.Split(mine, "k=")[1]
		id := commentID(t, mine)
		c := browserClient(t)
		resp, _ := post(t, c, site.URL+"/comments/"+id+"/mine", url.Values{"k": {k}, "action": {"edit"}, "body": {"Better words of support."}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("edit: %d", resp.StatusCode)
		}
		if _, story := get(t, c, site.URL+"/stories/"+slug); !strings.Contains(story, "Better words of support.") {
			t.Error("the edit is not on the story")
		}
		// An edit that adds a link the layers hold sends it back to the queue.
		post(t, c, site.URL+"/comments/"+id+"/mine", url.Values{"k": {k}, "action": {"edit"}, "body": {"See www.example.org now"}})
		if _, story := get(t, c, site.URL+"/stories/"+slug); strings.Contains(story, "www.example.org") {
			t.Error("an edit with a held link went straight onto the story")
		}
		// A wrong key is not found; after 15 minutes, no more changes.
		if resp, _ := post(t, c, site.URL+"/comments/"+id+"/mine", url.Values{"k": {"wrong"}, "action": {"delete"}}); resp.StatusCode != 404 {
			t.Errorf("delete with a wrong key: %d", resp.StatusCode)
		}
		site.Clock.Advance(16 * time.Minute)
		if resp, _ := post(t, c, site.URL+"/comments/"+id+"/mine", url.Values{"k": {k}, "action": {"delete"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("delete after 16 minutes: %d", resp.StatusCode)
		}
		mine2 := postComment(t, site, slug, "Ben", "ben@example.org", "Words I regret.")
		resp, body := post(t, c, site.URL+"/comments/"+commentID(t, mine2)+"/mine", url.Values{"k": {strings.Split(mine2, "k=")[1]}, "action": {"delete"}})
		if resp.StatusCode != 200 || !strings.Contains(body, "deleted") {
			t.Fatalf("delete: %d", resp.StatusCode)
		}
		var n int
		db.Read.QueryRow(`SELECT count(*) FROM comments WHERE body = 'Words I regret.'`).Scan(&n)
		if n != 0 {
			t.Error("the deleted comment is still stored")
		}
	})
}

// Reports enter the queue with their reason; bans refuse the next post;
// closed comments take none; every action is audited.
func TestReportsBansAndClosing(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		setLayers(t, site, service.AntiSpam{Rules: true, Policy: service.PolicyPublish})
		slug := slugOf(lenaTitle)
		id := commentID(t, postComment(t, site, slug, "Dan", "dan@spam.example", "Nobody cares about you."))

		reader := browserClient(t)
		if resp, body := post(t, reader, site.URL+"/comments/"+id+"/report", url.Values{}); resp.StatusCode != 400 || !strings.Contains(body, "Choose the reason") {
			t.Errorf("report without a reason: %d", resp.StatusCode)
		}
		resp, body := post(t, reader, site.URL+"/comments/"+id+"/report", url.Values{"reason": {"risk"}, "note": {"They sound hopeless."}})
		if resp.StatusCode != 200 || !strings.Contains(body, `href="/help"`) {
			t.Fatalf("report: %d", resp.StatusCode)
		}
		addUser(t, site, "mod@example.org", model.RoleModerator)
		mod := loginAs(t, site, "mod@example.org")
		_, queue := get(t, mod, site.URL+"/admin/comments?status=reported")
		if !strings.Contains(queue, "Nobody cares about you.") || !strings.Contains(queue, "This person may be at risk") {
			t.Fatalf("reported comment not in the queue:\n%s", queue)
		}
		for _, action := range []string{"ban-email", "ban-address", "dismiss"} {
			if resp, _ := post(t, mod, site.URL+"/admin/comments", url.Values{"id": {id}, "action": {action}, "next": {"/admin/comments"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("%s: %d", action, resp.StatusCode)
			}
		}
		if _, queue := get(t, mod, site.URL+"/admin/comments?status=reported"); strings.Contains(queue, "Nobody cares") {
			t.Error("a dismissed report stays in the queue")
		}
		// Banned by e-mail, and by address (every test post comes from
		// 127.0.0.1): a new post is refused.
		resp, _ = post(t, browserClient(t), site.URL+"/stories/"+slug+"/comments", commentForm("Dan", "dan@spam.example", "Hello again, everyone."))
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("banned: %d, want 403", resp.StatusCode)
		}
		var stored string
		db.Read.QueryRow(`SELECT value FROM blocklist WHERE kind = 'addr'`).Scan(&stored)
		if stored == "" || strings.Contains(stored, "127.0.0.1") {
			t.Errorf("address ban stored as %q, want its keyed hash", stored)
		}
		var audits int
		db.Read.QueryRow(`SELECT count(*) FROM audit_log WHERE action IN ('comment.ban-email', 'comment.ban-address', 'comment.dismiss')`).Scan(&audits)
		if audits != 3 {
			t.Errorf("%d audit entries, want 3", audits)
		}
		// An advisor closes the story's comments.
		addUser(t, site, "adv@example.org", model.RoleAdvisor)
		adv := loginAs(t, site, "adv@example.org")
		st, err := site.Service.PublishedStory(context.Background(), slug)
		if err != nil {
			t.Fatal(err)
		}
		post(t, adv, site.URL+fmt.Sprintf("/admin/stories/%d/comments/close", st.ID), url.Values{})
		if _, page := get(t, browserClient(t), site.URL+"/stories/"+slug); !strings.Contains(page, "Comments on this story are closed.") || strings.Contains(page, `action="/stories/`+slug+`/comments"`) {
			t.Error("closed story still shows the form")
		}
		resp, _ = post(t, browserClient(t), site.URL+"/stories/"+slug+"/comments", commentForm("Eve", "eve@example.org", "Can I still comment?"))
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("post on a closed story: %d", resp.StatusCode)
		}
	})
}

// The block list is edited in the admin area; a bad rule is explained next
// to its field, a word rule holds the comments that use it.
func TestBlockListAndSettings(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		addUser(t, site, "admin@example.org", model.RoleAdmin)
		admin := loginAs(t, site, "admin@example.org")
		resp, body := post(t, admin, site.URL+"/admin/antispam/rules", url.Values{"kind": {"pattern"}, "value": {"(unclosed"}, "action": {"hold"}})
		if resp.StatusCode != 400 || !strings.Contains(body, "not a valid pattern") || !strings.Contains(body, `value="(unclosed"`) {
			t.Errorf("bad pattern: %d", resp.StatusCode)
		}
		post(t, admin, site.URL+"/admin/antispam/rules", url.Values{"kind": {"word"}, "value": {"Casino"}, "action": {"hold"}, "note": {"gambling spam"}})
		resp, _ = post(t, admin, site.URL+"/admin/antispam", url.Values{"rules": {"1"}, "max_links": {"2"}, "policy": {"publish"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("settings: %d", resp.StatusCode)
		}
		slug := slugOf(lenaTitle)
		mine := postComment(t, site, slug, "Kai", "kai@example.org", "The casino took everything from my father.")
		_, page := get(t, browserClient(t), site.URL+mine)
		if !strings.Contains(page, "waiting for moderation") {
			t.Error("a comment with a blocked word was not held")
		}
		var reason string
		db.Read.QueryRow(`SELECT held_reason FROM comments WHERE author_email = 'kai@example.org'`).Scan(&reason)
		if !strings.Contains(reason, "blocked word “casino”") {
			t.Errorf("held reason %q", reason)
		}
		if !strings.Contains(postComment(t, site, slug, "Lu", "lu@example.org", "Occasionally I feel the same."), "/mine") {
			t.Error("no private link")
		}
		var status string
		db.Read.QueryRow(`SELECT status FROM comments WHERE author_email = 'lu@example.org'`).Scan(&status)
		if status != model.CommentApproved {
			t.Errorf("a word inside another word held the comment (%s)", status)
		}
		// A moderator may not change the layers.
		addUser(t, site, "mod@example.org", model.RoleModerator)
		if resp, _ := post(t, loginAs(t, site, "mod@example.org"), site.URL+"/admin/antispam", url.Values{"policy": {"publish"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("moderator changing the layers: %d", resp.StatusCode)
		}
	})
}

// A comment's permalink finds its page on a story with many comments; the
// short link of e-mails finds the story.
func TestPermalinksAndShortLinks(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		ctx := context.Background()
		slug := slugOf(lenaTitle)
		st, err := site.Service.PublishedStory(ctx, slug)
		if err != nil {
			t.Fatal(err)
		}
		var last int64
		for i := range 150 {
			c := model.Comment{StoryID: st.ID, AuthorName: "R", Body: fmt.Sprintf("Comment %d", i), Status: model.CommentApproved,
				CreatedAt: apptest.Now.Add(time.Duration(i) * time.Minute)}
			if err := site.Service.AddComment(ctx, &c); err != nil {
				t.Fatal(err)
			}
			last = c.ID
		}
		resp, _ := do(t, "GET", site.URL+fmt.Sprintf("/comments/%d", last), nil)
		want := fmt.Sprintf("/stories/%s?page=2#comment-%d", slug, last)
		if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != want {
			t.Errorf("permalink: %d %q, want %q", resp.StatusCode, resp.Header.Get("Location"), want)
		}
		_, page2 := do(t, "GET", site.URL+"/stories/"+slug+"?page=2", nil)
		if !strings.Contains(page2, fmt.Sprintf(`id="comment-%d"`, last)) || strings.Count(page2, `<li id="comment-`) != 53 {
			t.Errorf("page 2 has %d comments", strings.Count(page2, `<li id="comment-`))
		}
		_, page1 := do(t, "GET", site.URL+"/stories/"+slug, nil)
		if strings.Count(page1, `<li id="comment-`) != 100 || !strings.Contains(page1, "153 comments") {
			t.Errorf("page 1 has %d comments", strings.Count(page1, `<li id="comment-`))
		}
		resp, _ = do(t, "GET", site.URL+fmt.Sprintf("/s/%d", st.ID), nil)
		if resp.Header.Get("Location") != "/stories/"+slug {
			t.Errorf("short link: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if !strings.Contains(page1, fmt.Sprintf("mailto:?body=I%%20thought%%20this%%20might%%20help%%20you%%3A%%0A%%0A%s%%2Fs%%2F%d", url.QueryEscape(site.URL), st.ID)) ||
			strings.Contains(page1, "mailto:?body="+url.QueryEscape(lenaTitle)) {
			t.Error("the e-mail link does not carry the short link")
		}
	})
}

// Moderators hear once a day how many comments wait, never what they say.
func TestModerationDigest(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		ctx := context.Background()
		addUser(t, site, "mod@example.org", model.RoleModerator)
		setLayers(t, site, service.AntiSpam{Policy: service.PolicyHoldAll})
		postComment(t, site, slugOf(lenaTitle), "Zed", "zed@example.org", "A secret sentence.")
		for range 2 {
			if _, err := site.Service.SendModerationDigest(ctx); err != nil {
				t.Fatal(err)
			}
		}
		list, _, _ := site.Service.OutboxPage(ctx, 1)
		var digests []model.OutboxMessage
		for _, m := range list {
			if m.To == "mod@example.org" {
				digests = append(digests, m)
			}
		}
		if len(digests) != 1 || strings.Contains(digests[0].Text, "secret sentence") || !strings.Contains(digests[0].Text, "/admin/comments") ||
			!strings.Contains(digests[0].Text, "comments are waiting") && !strings.Contains(digests[0].Text, "comment is") {
			t.Fatalf("digests: %+v", digests)
		}
		site.Clock.Advance(25 * time.Hour)
		site.Service.SendModerationDigest(ctx)
		list, _, _ = site.Service.OutboxPage(ctx, 1)
		n := 0
		for _, m := range list {
			if m.To == "mod@example.org" {
				n++
			}
		}
		if n != 2 {
			t.Errorf("%d digests after a day, want 2", n)
		}
	})
}

// A reply names the comment it answers; a reply to a reply joins the first
// comment's thread (one level).
func TestRepliesThreadOneLevel(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		setLayers(t, site, openLayers)
		slug := slugOf(lenaTitle)
		first := commentID(t, postComment(t, site, slug, "Ines", "ines@example.org", "I know this feeling well."))
		_, form := get(t, browserClient(t), site.URL+"/stories/"+slug+"/comments/new?parent="+first)
		if !strings.Contains(form, "Reply to Ines") || !strings.Contains(form, `name="parent" value="`+first+`"`) {
			t.Fatalf("reply form:\n%s", form)
		}
		f := commentForm("Jo", "jo@example.org", "So do I, Ines.")
		f.Set("parent", first)
		resp, _ := post(t, browserClient(t), site.URL+"/stories/"+slug+"/comments", f)
		second := commentID(t, resp.Header.Get("Location"))
		f = commentForm("Kit", "kit@example.org", "Thank you both.")
		f.Set("parent", second)
		post(t, browserClient(t), site.URL+"/stories/"+slug+"/comments", f)
		var p2, p3 string
		db.Read.QueryRow(`SELECT COALESCE(parent_id, 0) FROM comments WHERE id = $1`, second).Scan(&p2)
		db.Read.QueryRow(`SELECT COALESCE(parent_id, 0) FROM comments WHERE author_email = 'kit@example.org'`).Scan(&p3)
		if p2 != first || p3 != first {
			t.Errorf("parents %s and %s, want both %s", p2, p3, first)
		}
		_, story := get(t, browserClient(t), site.URL+"/stories/"+slug)
		if !strings.Contains(story, `in reply to <a href="/comments/`+first+`">Ines</a>`) {
			t.Error("the reply does not say whom it answers")
		}
		// A CAPTCHA can be listened to, for the same challenge as the picture.
		setLayers(t, site, service.AntiSpam{Captcha: true})
		c := browserClient(t)
		challenge(t, site, c)
		resp, audio := get(t, c, site.URL+"/check/audio.wav")
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "audio/x-wav" || !strings.HasPrefix(audio, "RIFF") {
			t.Errorf("audio: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if resp, _ := get(t, browserClient(t), site.URL+"/check/audio.wav"); resp.StatusCode != 404 {
			t.Errorf("audio without a challenge: %d", resp.StatusCode)
		}
	})
}

// A CAPTCHA answer is good for 10 minutes.
func TestCaptchaExpires(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		setLayers(t, site, service.AntiSpam{Captcha: true, Policy: service.PolicyPublish})
		c := browserClient(t)
		answer := challenge(t, site, c)
		site.Clock.Advance(11 * time.Minute)
		f := commentForm("Una", "una@example.org", "Slow but kind words.")
		f.Set("answer", answer)
		resp, body := post(t, c, site.URL+"/stories/"+slugOf(lenaTitle)+"/comments", f)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "did not match") {
			t.Errorf("an answer after 11 minutes: %d", resp.StatusCode)
		}
		if resp, _ := get(t, c, site.URL+"/check/audio.wav"); resp.StatusCode != 404 {
			t.Errorf("an expired challenge still speaks: %d", resp.StatusCode)
		}
	})
}
