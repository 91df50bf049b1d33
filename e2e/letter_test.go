package e2e

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/confide/confide/internal/app/apptest"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
)

// A visitor shares a letter without JavaScript and lands on their private
// thread; an advisor answers it from the inbox; the writer reads the reply
// through the secret link; the advisor prepares the anonymised copy, the
// writer approves it, and the story is on the public site without their
// name. axe checks /share, the thread, the inbox and the copy editor.
func TestWriterSharesAndReadsTheReply(t *testing.T) {
	chromium, axePath := need(t)
	axe, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatal(err)
	}
	site := apptest.Start(t, dbtest.SQLite(t))
	ctx := context.Background()
	if _, err := site.Service.CreateUser(ctx, 0, service.NewUser{Email: "rose@example.org", Name: "Rose",
		Role: model.RoleAdvisor, Password: "the kettle is on for you"}); err != nil {
		t.Fatal(err)
	}
	site.Enrol(t, "rose@example.org", "the kettle is on for you")
	b := browser(t, chromium)
	if err := chromedp.Do(b, setScripts(false), chromedp.Navigate(site.URL+"/share"), chromedp.WaitVisible(chromedp.CSS("#share-form"))); err != nil {
		t.Fatal(err)
	}
	answer := browserAnswer(t, b, site)
	checkAccessibility(t, b, axe)
	site.Clock.Advance(time.Minute)
	err = chromedp.Do(b,
		setScripts(false),
		chromedp.SendKeys(chromedp.CSS("#letter-title"), "Nobody at home listens"),
		chromedp.SendKeys(chromedp.CSS("#letter-body"), "Since my father left, my mother works all day and I come home to an empty flat. I feel invisible."),
		chromedp.SendKeys(chromedp.CSS("#letter-name"), "Tove"),
		chromedp.Click(chromedp.CSS("#consent-publish")),
		chromedp.SendKeys(chromedp.CSS("#letter-answer"), answer),
		chromedp.Click(chromedp.CSS("#share-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".secret-link")),
	)
	if err != nil {
		t.Fatalf("share: %v", err)
	}
	link := text(b, t, ".secret-link code")
	if !strings.HasPrefix(link, site.URL+"/letters/") {
		t.Fatalf("secret link %q", link)
	}
	checkAccessibility(t, b, axe)

	err = chromedp.Do(b,
		setScripts(false),
		chromedp.Navigate(site.URL+"/admin/letters"),
		logIn(t, site, "rose@example.org", "the kettle is on for you"),
		chromedp.WaitVisible(chromedp.Search(`//a[text()="Nobody at home listens"]`)),
	)
	if err != nil {
		t.Fatalf("inbox: %v", err)
	}
	checkAccessibility(t, b, axe)
	// With scripts on, the advisor quotes a passage in one click, and the
	// draft saves itself.
	err = chromedp.Do(b,
		setScripts(true),
		chromedp.Click(chromedp.Search(`//a[text()="Nobody at home listens"]`)),
		chromedp.WaitVisible(chromedp.CSS("#quote-selection")),
	)
	if err != nil {
		t.Fatalf("letter page: %v", err)
	}
	if _, err := chromedp.Run(b, chromedp.Evaluate[bool](`(() => { const r = document.createRange();
		r.selectNodeContents(document.querySelector(".letter-read .letter p")); const s = getSelection();
		s.removeAllRanges(); s.addRange(r); return true })()`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b, chromedp.Click(chromedp.CSS("#quote-selection")),
		chromedp.WaitVisible(chromedp.Search(`//p[@id="draft-status"][contains(., "Draft saved.")]`))); err != nil {
		t.Fatalf("quote and autosave: %v", err)
	}
	reply, _ := chromedp.Run(b, chromedp.Value(chromedp.CSS("#reply")))
	if !strings.HasPrefix(reply, "> Since my father left") {
		t.Errorf("the quote: %q", reply)
	}
	if d, _, _ := site.Service.Inbox(ctx, "drafting", 0, 1); len(d) != 1 {
		t.Errorf("the autosaved draft did not make the letter 'drafting' (%d)", len(d))
	}
	err = chromedp.Do(b,
		setScripts(false),
		chromedp.WaitVisible(chromedp.CSS("#reply")),
		chromedp.SendKeys(chromedp.CSS("#reply"), "Dear Tove,\n\nYou are **not** invisible. Thank you for telling us."),
		chromedp.Click(chromedp.CSS(`button[value="reply"]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	if err != nil {
		t.Fatalf("reply: %v", err)
	}
	checkAccessibility(t, b, axe)
	if err := chromedp.Do(b, setScripts(false), chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS(".message.reply"))); err != nil {
		t.Fatalf("thread: %v", err)
	}
	if reply := text(b, t, ".message.reply"); !strings.Contains(reply, "You are not invisible") {
		t.Errorf("reply on the thread: %q", reply)
	}
	checkAccessibility(t, b, axe)

	// The advisor prepares the anonymised copy and shows it to the writer.
	secs, err := site.Service.Sections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(b,
		setScripts(false),
		chromedp.Navigate(site.URL+"/admin/letters"),
		chromedp.Click(chromedp.Search(`//a[text()="Nobody at home listens"]`)),
		chromedp.Click(chromedp.Search(`//a[contains(., "Prepare the letter for publishing")]`)),
		chromedp.WaitVisible(chromedp.CSS("#pub-letter")),
	)
	if err != nil {
		t.Fatalf("copy editor: %v", err)
	}
	checkAccessibility(t, b, axe)
	err = chromedp.Do(b,
		chromedp.SetValue(chromedp.CSS("#pub-title"), "Coming home to an empty flat"),
		chromedp.SetValue(chromedp.CSS("#pub-section"), strconv.FormatInt(secs[0].ID, 10)),
		chromedp.SetValue(chromedp.CSS("#pub-letter"), "Since my father left, my mother works all day. I come home to an empty flat and I feel invisible."),
		chromedp.Click(chromedp.CSS(`button[value="propose"]`)),
		// The reply still greets the writer by name: refused, said next to it.
		chromedp.WaitVisible(chromedp.CSS("#pub-reply-error")),
		chromedp.SetValue(chromedp.CSS("#pub-reply"), "Dear friend,\n\nYou are **not** invisible. Thank you for telling us."),
		chromedp.Click(chromedp.CSS(`button[value="propose"]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	if err != nil {
		t.Fatalf("propose: %v", err)
	}
	// The writer reads exactly that text on their page and approves it.
	if err := chromedp.Do(b, setScripts(false), chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS(".publication-copy"))); err != nil {
		t.Fatalf("thread with the copy: %v", err)
	}
	if copyText := text(b, t, ".publication-copy"); !strings.Contains(copyText, "Since my father left, my mother works all day. I come home") ||
		!strings.Contains(copyText, "You are not invisible") {
		t.Errorf("the copy the writer sees: %q", copyText)
	}
	checkAccessibility(t, b, axe)
	err = chromedp.Do(b,
		chromedp.Click(chromedp.CSS(`button[value="approve"]`)),
		chromedp.WaitVisible(chromedp.Search(`//a[contains(., "read them on the site")]`)),
		chromedp.Click(chromedp.Search(`//a[contains(., "read them on the site")]`)),
		chromedp.WaitVisible(chromedp.CSS("article.story")),
	)
	if err != nil {
		t.Fatalf("approve: %v", err)
	}
	story := text(b, t, "article.story")
	if !strings.Contains(story, "Coming home to an empty flat") || !strings.Contains(story, "I come home to an empty flat") ||
		strings.Contains(story, "Tove") {
		t.Errorf("the published story: %q", story)
	}
}
