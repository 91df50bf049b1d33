package e2e

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/confide/confide/internal/app/apptest"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
)

// An advisor logs in, writes a story in Markdown, publishes it, finds it on
// the public site and logs out, all with JavaScript off.
func TestAdvisorPublishesAStory(t *testing.T) {
	chromium, axePath := need(t)
	axe, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatal(err)
	}
	site := apptest.Start(t, dbtest.SQLite(t))
	ctx := context.Background()
	if _, err := site.Service.CreateUser(ctx, 0, service.NewUser{Email: "rose@example.org", Name: "Rose",
		Role: model.RoleAdvisor, Password: "a long walk by the sea"}); err != nil {
		t.Fatal(err)
	}
	site.Enrol(t, "rose@example.org", "a long walk by the sea")
	secs, _ := site.Service.Sections(ctx)
	b := browser(t, chromium)

	err = chromedp.Do(b,
		setScripts(false),
		chromedp.Navigate(site.URL+"/admin/stories/new"), // sends us to the login page first
		logIn(t, site, "rose@example.org", "a long walk by the sea"),
		chromedp.WaitVisible(chromedp.CSS("#title")), // back on the form it asked for
	)
	if err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, b, axe)
	err = chromedp.Do(b,
		setScripts(false),
		chromedp.SendKeys(chromedp.CSS("#title"), "Learning to ask for help"),
		chromedp.SetValue(chromedp.CSS("#section"), strconv.FormatInt(secs[0].ID, 10)),
		chromedp.SendKeys(chromedp.CSS("#author_name"), "Iris"),
		chromedp.SendKeys(chromedp.CSS("#letter"), "I never ask anyone for anything.\n\nNow I am tired."),
		chromedp.SendKeys(chromedp.CSS("#reply"), "Dear Iris,\n\nAsking is **a strength**, not a weakness."),
		chromedp.Click(chromedp.CSS(`button[value="publish"]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if flash := text(b, t, ".flash"); !strings.Contains(flash, "Published “Learning to ask for help”") {
		t.Fatalf("flash %q", flash)
	}
	if err := chromedp.Do(b,
		chromedp.Click(chromedp.Search(`//a[text()="View on the site"]`)),
		chromedp.WaitVisible(chromedp.CSS("article.story h1")),
	); err != nil {
		t.Fatal(err)
	}
	if h1 := text(b, t, "article.story h1"); h1 != "Learning to ask for help" {
		t.Errorf("public page heading %q", h1)
	}
	strong, err := chromedp.Run(b, chromedp.Text(chromedp.CSS(".reply strong")))
	if err != nil || strong != "a strength" {
		t.Errorf("the reply's Markdown is not rendered: %q %v", strong, err)
	}
	for _, page := range []string{"/admin/", "/admin/stories"} {
		if err := chromedp.Do(b, chromedp.Navigate(site.URL+page), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
			t.Fatal(err)
		}
		checkAccessibility(t, b, axe)
	}
	if err := chromedp.Do(b,
		chromedp.Navigate(site.URL+"/admin/"),
		chromedp.Click(chromedp.CSS("form.logout button")),
		chromedp.WaitVisible(chromedp.CSS("#email")),
	); err != nil {
		t.Fatalf("log out: %v", err)
	}
	loc, _ := chromedp.Run(b, chromedp.Location())
	if !strings.HasSuffix(loc, "/admin/login") {
		t.Errorf("after logout at %s", loc)
	}
}
