package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/confide/confide/internal/app/apptest"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
)

// A visitor types a letter with high-risk words and sees their country's
// helplines appear before sending; they send it; the advisor's inbox shows
// it first, marked high. "Leave this site" leaves at once, by the button
// or by Escape pressed three times. axe checks the pages touched.
func TestCrisisSignpostingAndQuickExit(t *testing.T) {
	chromium, axePath := need(t)
	axe, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatal(err)
	}
	neutral := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<!doctype html><title>Weather</title><h1>Weather today</h1>"))
	}))
	t.Cleanup(neutral.Close)
	site := apptest.Start(t, dbtest.SQLite(t))
	ctx := context.Background()
	settings, _ := site.Service.SiteSettings(ctx)
	settings.QuickExitURL = neutral.URL + "/weather"
	if err := site.Service.UpdateSettings(ctx, 0, settings); err != nil {
		t.Fatal(err)
	}
	if _, err := site.Service.CreateUser(ctx, 0, service.NewUser{Email: "rose@example.org", Name: "Rose",
		Role: model.RoleAdvisor, Password: "the kettle is on for you"}); err != nil {
		t.Fatal(err)
	}
	site.Enrol(t, "rose@example.org", "the kettle is on for you")
	// An earlier, calm letter (sent with the anti-spam layers off for a
	// moment): the risky one must still come first.
	layers, err := site.Service.AntiSpamSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := site.Service.SetAntiSpam(ctx, 0, service.AntiSpam{Policy: service.PolicyPublish}); err != nil {
		t.Fatal(err)
	}
	if _, err := site.Service.ShareLetter(ctx, service.LetterInput{Title: "Quiet house", Consent: model.ConsentPrivate,
		Body: "Since the children moved out the house is very quiet and I do not know what to do with my evenings."}); err != nil {
		t.Fatal(err)
	}
	if err := site.Service.SetAntiSpam(ctx, 0, layers); err != nil {
		t.Fatal(err)
	}
	b := browser(t, chromium)
	err = chromedp.Do(b, setScripts(true),
		chromedp.Navigate(site.URL+"/help?country=GB"), chromedp.WaitVisible(chromedp.CSS(".helpline-top")))
	if err != nil {
		t.Fatalf("help: %v", err)
	}
	checkAccessibility(t, b, axe)
	if err := chromedp.Do(b, chromedp.Navigate(site.URL+"/share"), chromedp.WaitVisible(chromedp.CSS("#share-form"))); err != nil {
		t.Fatal(err)
	}
	answer := browserAnswer(t, b, site)
	site.Clock.Advance(time.Minute)
	err = chromedp.Do(b,
		chromedp.SendKeys(chromedp.CSS("#letter-title"), "Tonight"),
		chromedp.SendKeys(chromedp.CSS("#letter-body"), "I have been saving my sleeping pills and I am going to take them all tonight."),
		// The note appears while typing, before anything is sent.
		chromedp.WaitVisible(chromedp.Search(`//div[@data-live]//li[contains(., "Samaritans")]`)),
	)
	if err != nil {
		t.Fatalf("the note did not appear while typing: %v", err)
	}
	if n, _, _ := site.Service.Inbox(ctx, "", 0, 1); len(n) != 2 { // the calm one and the demo's
		t.Fatalf("something was stored before sending: %d letters", len(n))
	}
	checkAccessibility(t, b, axe)
	err = chromedp.Do(b,
		chromedp.Click(chromedp.CSS("#consent-private")),
		chromedp.SendKeys(chromedp.CSS("#letter-answer"), answer),
		chromedp.Click(chromedp.CSS("#share-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".secret-link")),
	)
	if err != nil {
		t.Fatalf("share: %v", err)
	}
	if note := text(b, t, ".crisis-note"); !strings.Contains(note, "Samaritans") || !strings.Contains(note, "999") {
		t.Errorf("the thread's note: %q", note)
	}
	checkAccessibility(t, b, axe)

	err = chromedp.Do(b,
		chromedp.Navigate(site.URL+"/admin/letters"),
		logIn(t, site, "rose@example.org", "the kettle is on for you"),
		chromedp.WaitVisible(chromedp.CSS("table.admin-table")),
	)
	if err != nil {
		t.Fatalf("inbox: %v", err)
	}
	first := text(b, t, "table.admin-table tbody tr")
	if !strings.Contains(first, "Tonight") || !strings.Contains(first, "high risk") {
		t.Errorf("the inbox's first letter: %q", first)
	}
	checkAccessibility(t, b, axe)

	// Leave this site: the button, then Escape three times.
	for _, how := range []chromedp.Action[chromedp.Void]{
		chromedp.Click(chromedp.CSS("a.quick-exit")),
		chromedp.KeyEvent("\x1b\x1b\x1b"),
	} {
		err = chromedp.Do(b, chromedp.Navigate(site.URL+"/"), chromedp.WaitVisible(chromedp.CSS("a.quick-exit")), how,
			chromedp.WaitVisible(chromedp.Search(`//h1[text()="Weather today"]`)))
		if err != nil {
			t.Fatalf("quick exit: %v", err)
		}
		loc, _ := chromedp.Run(b, chromedp.Location())
		if !strings.HasPrefix(loc, neutral.URL) {
			t.Errorf("after leaving: %q", loc)
		}
	}
}
