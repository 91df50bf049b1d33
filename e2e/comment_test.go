package e2e

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/confide/confide/internal/app/apptest"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
)

// captchaAnswer is the tests' way to solve a CAPTCHA: its answer is in the
// database, where every instance checks it.
func captchaAnswer(t *testing.T, site *apptest.Site, id string) string {
	t.Helper()
	var digits string
	if err := site.DB.Read.QueryRow(`SELECT digits FROM captchas WHERE id = $1`, id).Scan(&digits); err != nil {
		t.Fatalf("CAPTCHA %s: %v", id, err)
	}
	return digits
}

// browserAnswer solves the CAPTCHA whose key the browser holds in its
// cookie (the picture it loaded last), waiting until it has one.
func browserAnswer(t *testing.T, b context.Context, site *apptest.Site) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	last := ""
	for time.Now().Before(deadline) {
		var key string
		err := chromedp.Do(b, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			res, err := cdp.Call(ctx, tg, network.GetCookies, network.GetCookiesParams{URLs: []string{site.URL}})
			if err != nil {
				return err
			}
			for _, c := range res.Cookies {
				if c.Name == "confide_check" {
					key = c.Value
				}
			}
			return nil
		}))
		if err != nil {
			t.Fatal(err)
		}
		// The same key twice, a moment apart: the page's picture requests
		// have all been answered.
		if _, ok := site.Service.ChallengeID(key); ok && key == last {
			id, _ := site.Service.ChallengeID(key)
			return captchaAnswer(t, site, id)
		}
		last = key
		time.Sleep(150 * time.Millisecond)
	}
	t.Fatal("the browser loaded no CAPTCHA")
	return ""
}

// A reader writes a comment without JavaScript, solving the CAPTCHA; a
// wrong answer keeps what they wrote; the comment waits; a moderator
// approves it in the queue; it appears on the story and in Latest Comments.
func TestReaderCommentsAndModeratorApproves(t *testing.T) {
	chromium, axePath := need(t)
	axe, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatal(err)
	}
	site := apptest.Start(t, dbtest.SQLite(t))
	ctx := context.Background()
	if _, err := site.Service.CreateUser(ctx, 0, service.NewUser{Email: "mo@example.org", Name: "Mo",
		Role: model.RoleModerator, Password: "a quiet morning in the garden"}); err != nil {
		t.Fatal(err)
	}
	site.Enrol(t, "mo@example.org", "a quiet morning in the garden")
	b := browser(t, chromium)
	story := site.URL + "/stories/he-reads-my-messages-and-says-it-is-because-he-loves-me"
	const words = "I lived with this for years. You are right to trust your feelings, Lena."

	if err := chromedp.Do(b, setScripts(false), chromedp.Navigate(story), chromedp.WaitVisible(chromedp.CSS("#comment-form"))); err != nil {
		t.Fatal(err)
	}
	browserAnswer(t, b, site) // the picture has loaded: the form key is in its cookie
	checkAccessibility(t, b, axe)
	site.Clock.Advance(10 * time.Second) // a person takes a while to write
	err = chromedp.Do(b,
		setScripts(false),
		chromedp.SendKeys(chromedp.CSS("#comment-name"), "Helga"),
		chromedp.SendKeys(chromedp.CSS("#comment-email"), "helga@example.org"),
		chromedp.SendKeys(chromedp.CSS("#comment-body"), words),
		chromedp.SendKeys(chromedp.CSS("#comment-answer"), "999999x"),
		chromedp.Click(chromedp.CSS("#comment-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#comment-check-error")),
	)
	if err != nil {
		t.Fatalf("wrong answer: %v", err)
	}
	// The error page keeps everything typed and shows a new picture.
	body, _ := chromedp.Run(b, chromedp.Value(chromedp.CSS("#comment-body")))
	if body != words {
		t.Errorf("the comment typed was lost: %q", body)
	}
	checkAccessibility(t, b, axe)
	src, err := chromedp.Run(b, chromedp.AttributeValue(chromedp.CSS(".check img"), "src"))
	if err != nil {
		t.Fatal(err)
	}
	id := regexp.MustCompile(`/check/([a-z0-9]+)\.png`).FindStringSubmatch(src.Value)
	if id == nil {
		t.Fatalf("new picture %q", src.Value)
	}
	site.Clock.Advance(10 * time.Second)
	err = chromedp.Do(b,
		setScripts(false),
		chromedp.SendKeys(chromedp.CSS("#comment-answer"), captchaAnswer(t, site, id[1])),
		chromedp.Click(chromedp.CSS("#comment-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("p.notice")),
	)
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	if notice := text(b, t, "p.notice"); !strings.Contains(notice, "waiting for moderation") {
		t.Fatalf("after posting: %q", notice)
	}

	// The moderator approves it in the queue.
	err = chromedp.Do(b,
		chromedp.Navigate(site.URL+"/admin/comments"),
		logIn(t, site, "mo@example.org", "a quiet morning in the garden"),
		chromedp.WaitVisible(chromedp.CSS("table.queue")),
	)
	if err != nil {
		t.Fatalf("queue: %v", err)
	}
	checkAccessibility(t, b, axe)
	var cid string
	site.DB.Read.QueryRow(`SELECT id FROM comments WHERE author_email = 'helga@example.org'`).Scan(&cid)
	err = chromedp.Do(b,
		setScripts(false),
		chromedp.Click(chromedp.CSS("#sel-"+cid)),
		chromedp.Click(chromedp.CSS(`button[value="approve"]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	if err != nil {
		t.Fatalf("approve: %v", err)
	}
	if flash := text(b, t, ".flash"); !strings.Contains(flash, "1 comment approved") {
		t.Errorf("flash %q", flash)
	}
	if err := chromedp.Do(b, chromedp.Navigate(story), chromedp.WaitVisible(chromedp.CSS("#comment-"+cid))); err != nil {
		t.Fatalf("the approved comment is not on the story: %v", err)
	}
	if latest := text(b, t, ".latest-comments"); !strings.Contains(latest, "Helga") {
		t.Errorf("Latest Comments: %q", latest)
	}
}
