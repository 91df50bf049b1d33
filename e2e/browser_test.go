// Package e2e drives the real site in Debian's chromium through chromedp:
// the flows a person clicks through, and axe-core accessibility checks.
package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/confide/confide/internal/app/apptest"
	"github.com/confide/confide/internal/database/dbtest"
)

// need returns what a browser test requires, or skips it when the machine
// lacks it. In CI (.ci/run installs both) a missing piece fails instead.
func need(t *testing.T) (chromium, axe string) {
	t.Helper()
	missing := func(format string, args ...any) {
		if os.Getenv("CI") != "" {
			t.Fatalf(format, args...)
		}
		t.Skipf(format, args...)
	}
	chromium = os.Getenv("CONFIDE_CHROMIUM")
	if chromium == "" {
		for _, name := range []string{"chromium", "chromium-browser"} {
			if p, err := exec.LookPath(name); err == nil {
				chromium = p
				break
			}
		}
	}
	if chromium == "" {
		missing("chromium not found: install it (apt-get install chromium) or set CONFIDE_CHROMIUM")
	}
	axe = filepath.Join("..", "node_modules", "axe-core", "axe.min.js")
	if _, err := os.Stat(axe); err != nil {
		missing("axe-core not found at %s: run npm ci in the project root", axe)
	}
	return chromium, axe
}

// browser starts a headless chromium for the test and returns a tab.
func browser(t *testing.T, chromium string) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		// The site scrolls smoothly unless the reader asks for less motion;
		// a click aimed while the page still glides would miss its button.
		chromedp.Flag("force-prefers-reduced-motion", true),
		chromedp.WindowSize(390, 844), // a phone
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

func setScripts(enabled bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !enabled})
		return err
	})
}

func text(ctx context.Context, t *testing.T, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// A reader without JavaScript opens the home page, follows the newest story
// and reads the letter, the advisor's reply and the comments.
func TestReaderFollowsAStory(t *testing.T) {
	chromium, _ := need(t)
	site := apptest.Start(t, dbtest.SQLite(t))
	ctx := browser(t, chromium)

	err := chromedp.Do(ctx,
		setScripts(false),
		chromedp.Navigate(site.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS("ol.stories")),
	)
	if err != nil {
		t.Fatal(err)
	}
	first := text(ctx, t, "ol.stories li h3 a")
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("ol.stories li h3 a")),
		chromedp.WaitVisible(chromedp.CSS("article.story h1")),
	); err != nil {
		t.Fatal(err)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(loc, site.URL+"/stories/") {
		t.Fatalf("clicked %q and landed on %s", first, loc)
	}
	if h1 := text(ctx, t, "article.story h1"); h1 != first {
		t.Errorf("story heading %q, want the clicked title %q", h1, first)
	}
	if crumbs := text(ctx, t, "nav.crumbs"); !strings.Contains(crumbs, "Home") || !strings.Contains(crumbs, "Relationships") {
		t.Errorf("breadcrumbs %q", crumbs)
	}
	if letter := text(ctx, t, ".letter"); !strings.Contains(letter, "He reads my messages") {
		t.Errorf("letter not visible: %q", letter)
	}
	if reply := text(ctx, t, ".reply"); !strings.Contains(reply, "Rose’s reply") || !strings.Contains(reply, "With warmth, Rose") {
		t.Errorf("reply not visible: %q", reply)
	}
	comments := text(ctx, t, "#comments")
	if !strings.Contains(comments, "3 comments") || !strings.Contains(comments, "Sending you strength") {
		t.Errorf("comments not visible: %q", comments)
	}
	// The Latest Comments sidebar leads to the comment on its story.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(site.URL+"/"),
		chromedp.Click(chromedp.CSS(".latest-comments li a")),
		chromedp.WaitVisible(chromedp.CSS(".comment:target")),
	); err != nil {
		t.Fatalf("sidebar link to a comment: %v", err)
	}
}

type violation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []string `json:"target"`
	} `json:"nodes"`
}

// axe-core finds no serious or critical accessibility problem on the pages
// readers use most.
func TestAccessibility(t *testing.T) {
	chromium, axePath := need(t)
	axe, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatal(err)
	}
	site := apptest.Start(t, dbtest.SQLite(t))
	ctx := browser(t, chromium)
	for _, path := range []string{"/", "/sections/relationships", "/stories/he-reads-my-messages-and-says-it-is-because-he-loves-me",
		"/comments", "/help", "/search?q=lonely", "/no-such-page"} {
		t.Run(path, func(t *testing.T) {
			if err := chromedp.Do(ctx, chromedp.Navigate(site.URL+path), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
				t.Fatal(err)
			}
			checkAccessibility(t, ctx, axe)
		})
	}
}

// checkAccessibility runs axe-core on the page open in ctx and fails on any
// serious or critical violation; lesser ones are logged. axe needs scripts,
// so it switches them on: a flow testing the site without JavaScript turns
// them off again after.
func checkAccessibility(t *testing.T, ctx context.Context, axe []byte) {
	t.Helper()
	if err := chromedp.Do(ctx, setScripts(true)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](string(axe)+";true")); err != nil {
		t.Fatalf("inject axe: %v", err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]violation](
		`axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe.run: %v", err)
	}
	for _, v := range got {
		if v.Impact == "serious" || v.Impact == "critical" {
			var where []string
			for _, n := range v.Nodes {
				where = append(where, strings.Join(n.Target, " "))
			}
			t.Errorf("%s: %s (%s) at %v", v.Impact, v.ID, v.Help, where)
		} else {
			t.Logf("%s: %s (%s)", v.Impact, v.ID, v.Help)
		}
	}
}

// logIn is the login as a person goes through it, on the login page the
// browser shows: the address and password, then the code from their
// authenticator app (the test's apptest keeps its secret).
func logIn(t *testing.T, site *apptest.Site, email, password string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		return chromedp.Do(ctx,
			chromedp.WaitVisible(chromedp.CSS("#email")),
			chromedp.SendKeys(chromedp.CSS("#email"), email),
			chromedp.SendKeys(chromedp.CSS("#password"), password),
			chromedp.Click(chromedp.CSS("form.stack button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS("#code")),
			chromedp.SendKeys(chromedp.CSS("#code"), site.Code(t, email)),
			chromedp.Click(chromedp.CSS("form.stack button[type=submit]")),
		)
	})
}
