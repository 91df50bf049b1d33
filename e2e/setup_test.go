package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"github.com/confide/confide/internal/app/apptest"
	"github.com/confide/confide/internal/database/dbtest"
)

// A new site, with no account and no content: the operator opens the setup
// link `confide serve` printed, creates the administrator account, adds a
// section, writes and publishes the first story and finds it on the home
// page, all in the browser with JavaScript off.
func TestAdminSetsUpAFreshSite(t *testing.T) {
	chromium, _ := need(t)
	site := apptest.Instance(t, dbtest.SQLite(t))
	ctx := context.Background()
	token, err := site.Service.StartSetup(ctx)
	if err != nil || token == "" {
		t.Fatalf("setup token %q: %v", token, err)
	}
	b := browser(t, chromium)

	if err := chromedp.Do(b,
		setScripts(false),
		chromedp.Navigate(site.URL+"/setup?token="+token),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#name"), "June"),
		chromedp.SendKeys(chromedp.CSS("#email"), "june@example.org"),
		chromedp.SendKeys(chromedp.CSS("#password"), "tea in the garden at dusk"),
		chromedp.Click(chromedp.CSS("form.stack button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	); err != nil {
		t.Fatalf("setup: %v", err)
	}
	if flash := text(b, t, ".flash"); !strings.Contains(flash, "Welcome, June") {
		t.Fatalf("after setup: flash %q", flash)
	}
	// The new admin sets up two-factor login before anything else, typing
	// the key into an authenticator app (here: computing its code).
	key := text(b, t, "main ol li code")
	code, err := totp.GenerateCode(key, site.Clock.Now())
	if err != nil {
		t.Fatalf("key %q: %v", key, err)
	}
	if err := chromedp.Do(b,
		chromedp.SendKeys(chromedp.CSS("#current"), "tea in the garden at dusk"),
		chromedp.SendKeys(chromedp.CSS("#code"), code),
		chromedp.Click(chromedp.CSS("form.stack button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("ul.codes")),
	); err != nil {
		t.Fatalf("two-factor set-up: %v", err)
	}
	site.Remember("june@example.org", key)

	// The setup link is spent once the account exists.
	if err := chromedp.Do(b,
		chromedp.Navigate(site.URL+"/setup?token="+token),
		chromedp.WaitVisible(chromedp.CSS("h1")),
	); err != nil {
		t.Fatal(err)
	}
	if h1 := text(b, t, "h1"); strings.Contains(h1, "Set up") {
		t.Errorf("the setup page still opens after setup: %q", h1)
	}

	if err := chromedp.Do(b,
		chromedp.Navigate(site.URL+"/admin/"),
		chromedp.Click(chromedp.Search(`//nav[@aria-label="Admin"]//a[text()="Sections"]`)),
		chromedp.WaitVisible(chromedp.CSS("#name")),
		chromedp.SendKeys(chromedp.CSS("#name"), "Family"),
		chromedp.SendKeys(chromedp.CSS("#description"), "Parents, children, brothers and sisters."),
		chromedp.Click(chromedp.Search(`//button[text()="Add the section"]`)),
		chromedp.WaitVisible(chromedp.Search(`//table//a[text()="Family"]`)),
	); err != nil {
		t.Fatalf("add a section: %v", err)
	}
	secs, err := site.Service.Sections(ctx)
	if err != nil || len(secs) != 1 {
		t.Fatalf("sections after adding one: %v %v", secs, err)
	}

	if err := chromedp.Do(b,
		chromedp.Navigate(site.URL+"/admin/stories/new"),
		chromedp.WaitVisible(chromedp.CSS("#title")),
		chromedp.SendKeys(chromedp.CSS("#title"), "My sister stopped calling"),
		chromedp.SetValue(chromedp.CSS("#section"), strconv.FormatInt(secs[0].ID, 10)),
		chromedp.SendKeys(chromedp.CSS("#author_name"), "Tom"),
		chromedp.SendKeys(chromedp.CSS("#letter"), "We used to talk every Sunday.\n\nSince spring she does not answer."),
		chromedp.SendKeys(chromedp.CSS("#reply"), "Dear Tom,\n\nSilence is not always *an ending*."),
		chromedp.Click(chromedp.CSS(`button[value="publish"]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	); err != nil {
		t.Fatalf("publish: %v", err)
	}
	if flash := text(b, t, ".flash"); !strings.Contains(flash, "Published") {
		t.Fatalf("after publishing: flash %q", flash)
	}

	if err := chromedp.Do(b,
		chromedp.Navigate(site.URL+"/"),
		chromedp.Click(chromedp.Search(`//a[text()="My sister stopped calling"]`)),
		chromedp.WaitVisible(chromedp.CSS("article.story h1")),
	); err != nil {
		t.Fatalf("the story on the public site: %v", err)
	}
	if letter := text(b, t, "article.story"); !strings.Contains(letter, "We used to talk every Sunday.") {
		t.Errorf("the public story page lacks the letter: %q", letter)
	}
	if em, err := chromedp.Run(b, chromedp.Text(chromedp.CSS(".reply em"))); err != nil || em != "an ending" {
		t.Errorf("the reply's Markdown is not rendered: %q %v", em, err)
	}
}
