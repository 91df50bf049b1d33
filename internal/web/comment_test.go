package web_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/confide/confide/internal/app/apptest"
	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
)

// setLayers switches the anti-spam layers and the policy.
func setLayers(t *testing.T, site *apptest.Site, a service.AntiSpam) {
	t.Helper()
	if a.Policy == "" {
		a.Policy = service.PolicyHoldFirst
	}
	if err := site.Service.SetAntiSpam(context.Background(), 0, a); err != nil {
		t.Fatal(err)
	}
}

var allLayers = service.AntiSpam{Captcha: true, Trap: true, Limits: true, Links: true, Rules: true, Score: true, MaxLinks: 2}

// challenge loads the CAPTCHA picture as a browser does (its cookie lands
// in c's jar) and reads the answer from the database, where every instance
// reads it: the test's way to solve it.
func challenge(t *testing.T, site *apptest.Site, c *http.Client) string {
	t.Helper()
	resp, _ := get(t, c, site.URL+"/check/new.png")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("check picture: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	u, _ := url.Parse(site.URL)
	var key string
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "confide_check" {
			key = ck.Value
		}
	}
	id, ok := site.Service.ChallengeID(key)
	if !ok {
		t.Fatalf("no form key cookie (%q)", key)
	}
	var digits string
	if err := site.DB.Read.QueryRow(`SELECT digits FROM captchas WHERE id = $1`, id).Scan(&digits); err != nil {
		return "" // the CAPTCHA is off: only the form key
	}
	return digits
}

func commentForm(name, email, body string) url.Values {
	return url.Values{"name": {name}, "email": {email}, "body": {body}}
}

// TestCommentLifeThroughTheLayers: a reader posts through every layer, the
// comment waits (first comment), a moderator approves it, it shows on its
// story and in Latest Comments; bots are refused on the way.
func TestCommentLifeThroughTheLayers(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		setLayers(t, site, allLayers)
		slug := slugOf(lenaTitle)
		reader := browserClient(t)
		get(t, reader, site.URL+"/stories/"+slug)

		// The honeypot, filled by a bot, refuses.
		answer := challenge(t, site, reader)
		site.Clock.Advance(5 * time.Second)
		f := commentForm("Bot", "bot@example.com", "Great post, visit my site")
		f.Set("website", "http://spam.example")
		f.Set("answer", answer)
		if resp, _ := post(t, reader, site.URL+"/stories/"+slug+"/comments", f); resp.StatusCode != http.StatusForbidden {
			t.Errorf("honeypot: %d, want 403", resp.StatusCode)
		}
		// Posting within 2 seconds of the form is too fast for a person.
		answer = challenge(t, site, reader)
		f = commentForm("Quick", "quick@example.com", "You are not alone in this.")
		f.Set("answer", answer)
		resp, body := post(t, reader, site.URL+"/stories/"+slug+"/comments", f)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "That was quick") ||
			!strings.Contains(body, "You are not alone in this.") {
			t.Errorf("too fast: %d, typed text kept: %v", resp.StatusCode, strings.Contains(body, "You are not alone in this."))
		}
		// A wrong answer, then the right one used twice: the second is refused.
		answer = challenge(t, site, reader)
		site.Clock.Advance(5 * time.Second)
		f = commentForm("Mia", "Mia@Example.org", "I went through the same.\n\nIt gets better, I promise. See https://example.org/help")
		f.Set("answer", "000000x")
		if answer == "000000" {
			f.Set("answer", "111111")
		}
		resp, body = post(t, reader, site.URL+"/stories/"+slug+"/comments", f)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "did not match") || !strings.Contains(body, `value="Mia"`) {
			t.Fatalf("wrong answer: %d\n%s", resp.StatusCode, body)
		}
		answer = challenge(t, site, reader)
		site.Clock.Advance(5 * time.Second)
		f.Set("answer", answer)
		f.Set("subscribe", "1")
		resp, _ = post(t, reader, site.URL+"/stories/"+slug+"/comments", f)
		mine := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || !strings.Contains(mine, "/mine?k=") {
			t.Fatalf("post: %d %q", resp.StatusCode, mine)
		}
		replay := browserClient(t)
		replay.Jar = reader.Jar
		if resp, _ := post(t, replay, site.URL+"/stories/"+slug+"/comments", f); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("replayed answer: %d, want 400", resp.StatusCode)
		}
		// The writer sees it waiting; nobody else sees it.
		resp, body = get(t, reader, site.URL+mine)
		if resp.StatusCode != 200 || !strings.Contains(body, "waiting for moderation") || resp.Header.Get("Referrer-Policy") != "no-referrer" ||
			resp.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("private page: %d %v", resp.StatusCode, resp.Header)
		}
		if resp, _ := get(t, browserClient(t), site.URL+strings.Split(mine, "?")[0]+"?k=guess"); resp.StatusCode != 404 {
			t.Errorf("a guessed private link: %d", resp.StatusCode)
		}
		if _, story := get(t, browserClient(t), site.URL+"/stories/"+slug); strings.Contains(story, "I went through the same.") {
			t.Error("a held comment is on the story")
		}
		// The moderator sees why it waits, with the e-mail, and approves it.
		addUser(t, site, "mod@example.org", model.RoleModerator)
		mod := loginAs(t, site, "mod@example.org")
		_, queue := get(t, mod, site.URL+"/admin/comments")
		id := regexp.MustCompile(`name="id" value="(\d+)"`).FindStringSubmatch(queue)
		if id == nil || !strings.Contains(queue, "mia@example.org") || !strings.Contains(queue, "first comment from this e-mail") {
			t.Fatalf("queue:\n%s", queue)
		}
		resp, _ = post(t, mod, site.URL+"/admin/comments", url.Values{"id": {id[1]}, "action": {"approve"}, "next": {"/admin/comments"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("approve: %d", resp.StatusCode)
		}
		_, story := get(t, browserClient(t), site.URL+"/stories/"+slug)
		if !strings.Contains(story, "I went through the same.") || !strings.Contains(story, `href="https://example.org/help" rel="nofollow ugc noopener"`) {
			t.Error("approved comment not on its story, or its link not nofollow")
		}
		_, home := get(t, browserClient(t), site.URL+"/")
		if !strings.Contains(home, `href="/comments/`+id[1]+`"`) {
			t.Error("approved comment not in Latest Comments")
		}
		var audits int
		db.Read.QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'comment.approve'`).Scan(&audits)
		if audits != 1 {
			t.Errorf("%d audit entries for the approval", audits)
		}
		// The e-mail is never shown publicly.
		if strings.Contains(story, "mia@example.org") || strings.Contains(home, "mia@example.org") {
			t.Error("the commenter's e-mail is on a public page")
		}
	})
}

// openLayers lets comments through at once, for tests of what is shown.
var openLayers = service.AntiSpam{Policy: service.PolicyPublish}

func TestCommentFieldsAndHeaderInjection(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		setLayers(t, site, openLayers)
		slug := slugOf(lenaTitle)
		cases := []struct {
			name, email, body, field string
		}{
			{"", "a@example.org", "Kind words here.", "name"},
			{"Eve\r\nBcc: victim@example.org", "a@example.org", "Kind words here.", "name"},
			{"Eve", "a@example.org\r\nBcc: victim@example.org", "Kind words here.", "email"},
			{"Eve", "not an address", "Kind words here.", "email"},
			{"Eve", "a@example.org", "hi", "body"},
			{"Eve", "a@example.org", strings.Repeat("x", 5001), "body"},
		}
		for _, c := range cases {
			f := commentForm(c.name, c.email, c.body)
			f.Set("subscribe", "1")
			resp, body := post(t, browserClient(t), site.URL+"/stories/"+slug+"/comments", f)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="comment-`+c.field+`-error"`) {
				t.Errorf("%q/%q/%d chars: %d, want an error by %s", c.name, c.email, len(c.body), resp.StatusCode, c.field)
			}
		}
		var n int
		db.Read.QueryRow(`SELECT count(*) FROM outbox WHERE to_addr LIKE '%victim%' OR to_name LIKE '%Bcc%' OR subject LIKE '%Bcc%'`).Scan(&n)
		if n != 0 {
			t.Errorf("%d messages carry injected headers", n)
		}
	})
}

// xssPayloads are written here: scripts, handlers, URLs and markup tricks
// a commenter might type into a name or a comment.
func xssPayloads() []string {
	base := []string{
		`<script>alert(1)</script>`, `<img src=x onerror=alert(1)>`, `<svg onload=alert(1)>`,
		`<a href="javascript:alert(1)">click</a>`, `javascript:alert(1)`, `<iframe src="https://evil.example"></iframe>`,
		`"><script>alert(1)</script>`, `'><svg/onload=alert(1)>`, `<body onload=alert(1)>`, `<object data="x.swf">`,
		`<embed src="x">`, `<style>*{display:none}</style>`, `<math><mtext><script>alert(1)</script>`,
		`<details open ontoggle=alert(1)>`, `<input autofocus onfocus=alert(1)>`, `<video><source onerror=alert(1)>`,
		`https://example.org/"onmouseover="alert(1)`, `www.example.org/<script>x</script>`, `http://x.example/?a=<b>`,
		`<a href=" javascript:alert(1)">x</a>`, `&lt;script&gt;alert(1)&lt;/script&gt;`, `<scr<script>ipt>alert(1)</script>`,
		`</textarea><script>alert(1)</script>`, `</title><script>alert(1)</script>`, `<!--<script>alert(1)</script>-->`,
	}
	var out []string
	for _, p := range base {
		out = append(out, p, "Hello "+p+" friend")
	}
	return out // 50
}

func TestCommentPayloadsRenderInert(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		setLayers(t, site, service.AntiSpam{Policy: service.PolicyPublish, MaxLinks: 50})
		slug := slugOf(lenaTitle)
		payloads := xssPayloads()
		if len(payloads) < 50 {
			t.Fatalf("only %d payloads", len(payloads))
		}
		for i, p := range payloads {
			name := p
			if len([]rune(name)) > 60 {
				name = string([]rune(name)[:60])
			}
			resp, body := post(t, browserClient(t), site.URL+"/stories/"+slug+"/comments",
				commentForm(name, fmt.Sprintf("x%d@example.org", i), "Comment: "+p))
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("payload %d: %d\n%s", i, resp.StatusCode, body)
			}
			_, mine := get(t, browserClient(t), site.URL+resp.Header.Get("Location"))
			assertInert(t, fmt.Sprintf("private page of payload %d", i), mine)
		}
		for _, page := range []string{"/stories/" + slug, "/comments", "/", "/comments/feed.atom"} {
			resp, body := get(t, browserClient(t), site.URL+page)
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d", page, resp.StatusCode)
			}
			assertInert(t, page, body)
		}
	})
}

// A held or refused comment changes no cached page; an approved one only
// its story and the lists.
func TestCommentsKeepTheCache(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		setLayers(t, site, service.AntiSpam{Policy: service.PolicyHoldFirst})
		lena, other := slugOf(lenaTitle), ""
		_, home := get(t, browserClient(t), site.URL+"/")
		for _, m := range regexp.MustCompile(`href="/stories/([a-z0-9-]+)"`).FindAllStringSubmatch(home, -1) {
			if m[1] != lena {
				other = m[1]
				break
			}
		}
		etag := func(path string) string {
			resp, _ := get(t, browserClient(t), site.URL+path)
			return resp.Header.Get("ETag")
		}
		warmStory(t, site, lena)
		warmStory(t, site, other)
		before := map[string]string{"/stories/" + lena: etag("/stories/" + lena), "/stories/" + other: etag("/stories/" + other), "/": etag("/")}
		// Held (first comment from this address).
		resp, _ := post(t, browserClient(t), site.URL+"/stories/"+lena+"/comments", commentForm("New", "new@example.org", "Thinking of you today."))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatal(resp.StatusCode)
		}
		for p, e := range before {
			if got := etag(p); got != e {
				t.Errorf("a held comment changed %s", p)
			}
		}
		// Approved by a moderator, then the address's next comment is
		// published at once.
		var held int64
		db.Read.QueryRow(`SELECT id FROM comments WHERE author_email = 'new@example.org'`).Scan(&held)
		if _, err := site.Service.Moderate(context.Background(), 0, service.ActApprove, []int64{held}); err != nil {
			t.Fatal(err)
		}
		if etag("/stories/"+lena) == before["/stories/"+lena] {
			t.Error("the story's page did not change with an approval")
		}
		before = map[string]string{"/stories/" + lena: etag("/stories/" + lena), "/stories/" + other: etag("/stories/" + other)}
		resp, _ = post(t, browserClient(t), site.URL+"/stories/"+lena+"/comments", commentForm("New", "new@example.org", "Back again to say: you are not alone."))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatal(resp.StatusCode)
		}
		if etag("/stories/"+lena) == before["/stories/"+lena] {
			t.Error("the story's page did not change with an approved comment")
		}
		// Another story's page keeps its cached body; only its Latest
		// Comments box, filled as it is sent, shows the new comment
		// (TestPageCacheCommentChanges checks that it is not rendered again).
		if _, page := get(t, browserClient(t), site.URL+"/stories/"+other); !strings.Contains(page, "Back again to say") {
			t.Error("another story's Latest Comments box does not show the new comment")
		}
		if _, h := get(t, browserClient(t), site.URL+"/"); !strings.Contains(h, "Back again to say") {
			t.Error("Latest Comments does not show the approved comment")
		}
	})
}

// 100 posts from one address in a minute, spread over two instances of
// one site: the shared limit lets 5 through.
func TestCommentRateLimitAcrossInstances(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		second := apptest.Instance(t, db)
		setLayers(t, site, service.AntiSpam{Limits: true, Policy: service.PolicyPublish})
		slug := slugOf(lenaTitle)
		var mu sync.Mutex
		codes := map[int]int{}
		var wg sync.WaitGroup
		for i := range 100 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				base := site.URL
				if i%2 == 1 {
					base = second.URL
				}
				resp, _ := post(t, browserClient(t), base+"/stories/"+slug+"/comments",
					commentForm("Same", fmt.Sprintf("p%d@example.org", i), fmt.Sprintf("Supportive comment number %d.", i)))
				mu.Lock()
				codes[resp.StatusCode]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		if codes[http.StatusSeeOther] != 5 || codes[http.StatusTooManyRequests] != 95 {
			t.Errorf("answers %v, want 5 accepted and 95 limited", codes)
		}
	})
}

// A subscription waits for its confirmation: until then the address gets
// the confirmation and nothing else.
func TestSubscriptionNeedsConfirmation(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		setLayers(t, site, openLayers)
		slug := slugOf(lenaTitle)
		f := commentForm("Kim", "kim@example.org", "Thank you for writing this.")
		f.Set("subscribe", "1")
		if resp, _ := post(t, browserClient(t), site.URL+"/stories/"+slug+"/comments", f); resp.StatusCode != http.StatusSeeOther {
			t.Fatal(resp.StatusCode)
		}
		post(t, browserClient(t), site.URL+"/stories/"+slug+"/comments", commentForm("Lee", "lee@example.org", "Same here, sending strength."))
		site.Clock.Advance(time.Minute)
		if _, err := site.Service.SendNotifications(context.Background(), 10); err != nil {
			t.Fatal(err)
		}
		mails := func() []model.OutboxMessage {
			list, _, err := site.Service.OutboxPage(context.Background(), 1)
			if err != nil {
				t.Fatal(err)
			}
			var out []model.OutboxMessage
			for _, m := range list {
				if m.To == "kim@example.org" {
					out = append(out, m)
				}
			}
			return out
		}
		got := mails()
		if len(got) != 1 || !strings.Contains(got[0].Subject, "confirm") || strings.Contains(got[0].Subject, lenaTitle) {
			t.Fatalf("before confirming: %+v", got)
		}
		link := regexp.MustCompile(`/subscriptions/confirm\?t=[A-Za-z0-9_-]+`).FindString(got[0].Text)
		resp, _ := post(t, browserClient(t), site.URL+"/subscriptions/confirm", url.Values{"t": {strings.TrimPrefix(link, "/subscriptions/confirm?t=")}})
		if resp.StatusCode != 200 {
			t.Fatalf("confirm: %d", resp.StatusCode)
		}
		// Confirmed: the next reply is told, once, discreetly, with a
		// one-click unsubscribe.
		post(t, browserClient(t), site.URL+"/stories/"+slug+"/comments", commentForm("Ola", "ola@example.org", "You did the right thing."))
		site.Clock.Advance(time.Minute)
		site.Service.SendNotifications(context.Background(), 10)
		got = mails()
		if len(got) != 2 || got[0].Unsubscribe == "" || strings.Contains(got[0].Subject, lenaTitle) ||
			strings.Contains(got[0].Text, "/stories/"+slug) || !strings.Contains(got[0].Text, "You did the right thing.") {
			t.Fatalf("after confirming: %d mails, first %+v", len(got), got[0])
		}
		// At most one an hour.
		post(t, browserClient(t), site.URL+"/stories/"+slug+"/comments", commentForm("Pat", "pat@example.org", "Another kind word."))
		site.Clock.Advance(time.Minute)
		site.Service.SendNotifications(context.Background(), 10)
		if n := len(mails()); n != 2 {
			t.Errorf("%d mails within the hour, want 2", n)
		}
		// One-click unsubscribe, as a mail program does it.
		u, _ := url.Parse(got[0].Unsubscribe)
		req, _ := http.NewRequest("POST", site.URL+u.RequestURI(), strings.NewReader("List-Unsubscribe=One-Click"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r, err := http.DefaultClient.Do(req)
		if err != nil || r.StatusCode != 200 {
			t.Fatalf("one-click unsubscribe: %v %v", r, err)
		}
		var subs int
		db.Read.QueryRow(`SELECT count(*) FROM subscriptions WHERE email = 'kim@example.org'`).Scan(&subs)
		if subs != 0 {
			t.Error("still subscribed")
		}
	})
}

// The score, taught by moderators on a labelled set written for the tests,
// holds spam it has not seen and lets supportive comments through.
func TestLearntScoreHoldsUnseenSpam(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		ctx := context.Background()
		setLayers(t, site, service.AntiSpam{Score: true, Policy: service.PolicyHoldAll})
		slug := slugOf(lenaTitle)
		train := readLabelled(t, "train.txt")
		for i, c := range train {
			resp, _ := post(t, browserClient(t), site.URL+"/stories/"+slug+"/comments", commentForm(c.name, fmt.Sprintf("t%d@example.org", i), c.body))
			id := strings.Split(strings.TrimPrefix(resp.Header.Get("Location"), "/comments/"), "/")[0]
			var cid int64
			fmt.Sscan(id, &cid)
			action := service.ActApprove
			if c.spam {
				action = service.ActSpam
			}
			if _, err := site.Service.Moderate(ctx, 0, action, []int64{cid}); err != nil {
				t.Fatal(err)
			}
		}
		setLayers(t, site, service.AntiSpam{Score: true, Policy: service.PolicyPublish})
		for i, c := range readLabelled(t, "unseen.txt") {
			resp, _ := post(t, browserClient(t), site.URL+"/stories/"+slug+"/comments", commentForm(c.name, fmt.Sprintf("u%d@example.org", i), c.body))
			_, page := get(t, browserClient(t), site.URL+resp.Header.Get("Location"))
			held := strings.Contains(page, "waiting for moderation")
			if held != c.spam {
				t.Errorf("%q: held %v, want %v", c.body, held, c.spam)
			}
		}
	})
}

type labelledComment struct {
	spam       bool
	name, body string
}

func readLabelled(t *testing.T, file string) []labelledComment {
	t.Helper()
	f, err := os.Open("../spam/testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []labelledComment
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), "\t", 3)
		if len(parts) == 3 && !strings.HasPrefix(parts[0], "#") {
			out = append(out, labelledComment{parts[0] == "spam", parts[1], parts[2]})
		}
	}
	return out
}

// An approved comment shows on every instance: another instance's cached
// story page, list and Latest Comments box change within moments.
func TestApprovedCommentReachesEveryInstance(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		other := apptest.Instance(t, db)
		setLayers(t, site, openLayers)
		slug := slugOf(lenaTitle)
		warmStory(t, other, slug)
		_, before := do(t, "GET", other.URL+"/stories/"+slug, nil)
		if !strings.Contains(before, "3 comments") {
			t.Fatal("the story does not start with 3 comments")
		}
		postComment(t, site, slug, "Remy", "remy@example.org", "Reaching every instance with kindness.")
		deadline := time.Now().Add(10 * time.Second)
		for _, path := range []string{"/stories/" + slug, "/", "/comments", "/about"} {
			for {
				_, page := do(t, "GET", other.URL+path, nil)
				if strings.Contains(page, "Reaching every instance") && (path != "/stories/"+slug || strings.Contains(page, "4 comments")) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%s on the other instance does not show the comment after 10 s", path)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
	})
}
