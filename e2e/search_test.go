package e2e

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/confide/confide/internal/app/apptest"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/service"
)

// A reader with JavaScript off types the beginning of a word in the search
// box and finds the story that has it; a search that runs past its budget
// gets a kind, accessible answer instead of an error.
func TestReaderSearchesWithABeginning(t *testing.T) {
	chromium, axePath := need(t)
	axe, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatal(err)
	}
	site := apptest.Start(t, dbtest.SQLite(t))
	ctx := browser(t, chromium)
	if err := chromedp.Do(ctx,
		setScripts(false),
		chromedp.Navigate(site.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS("#site-search")),
		chromedp.SendKeys(chromedp.CSS("#site-search"), "hus*"),
		chromedp.Click(chromedp.CSS("form.search button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("p.count")),
	); err != nil {
		t.Fatal(err)
	}
	results := text(ctx, t, "main")
	if !strings.Contains(results, "My husband and I only talk about the children and the bills") {
		t.Errorf("hus* did not find the story about a husband: %q", results)
	}
	// "hus*" once meant "hu*" and found every story with "hurt" too.
	if strings.Contains(results, "My mother has never once said she is proud of me") {
		t.Errorf("hus* found a story that only has \"hurt\": %q", results)
	}
	if count := text(ctx, t, "p.count"); !strings.Contains(count, "for “hus*”") {
		t.Errorf("count line %q", count)
	}

	site.Service.SetSearchLimits(service.SearchLimits{Budget: 50 * time.Millisecond,
		Hook: func(ctx context.Context) { <-ctx.Done() }})
	if err := chromedp.Do(ctx,
		setScripts(false),
		chromedp.Navigate(site.URL+"/search?q=lonely+after+divorce"),
		chromedp.WaitVisible(chromedp.CSS("p.notice")),
	); err != nil {
		t.Fatal(err)
	}
	if notice := text(ctx, t, "p.notice"); !strings.Contains(notice, "too much to answer quickly") {
		t.Errorf("too broad notice %q", notice)
	}
	checkAccessibility(t, ctx, axe)
}
