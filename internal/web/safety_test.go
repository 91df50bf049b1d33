package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/confide/confide/internal/app/apptest"
	"github.com/confide/confide/internal/database/dbtest"
)

// /help shows the reader's country's lines first: from the browser's
// languages, or as chosen (and then remembered).
func TestHelpForTheReadersCountry(t *testing.T) {
	site := apptest.Start(t, dbtest.SQLite(t))
	help := func(c *http.Client, query, lang string) string {
		t.Helper()
		req, _ := http.NewRequest("GET", site.URL+"/help"+query, nil)
		if lang != "" {
			req.Header.Set("Accept-Language", lang)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		buf := make([]byte, 32<<10)
		for {
			n, err := resp.Body.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "private, no-cache" {
			t.Fatalf("/help: %d %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
		}
		body := b.String()
		top, _, _ := strings.Cut(body, `id="helplines-list"`)
		return top
	}
	c := browserClient(t)
	if top := help(c, "", "en-GB,en;q=0.9"); !strings.Contains(top, "Samaritans") || !strings.Contains(top, `href="tel:116123"`) ||
		!strings.Contains(top, "call 999, the emergency number in United Kingdom") || !strings.Contains(top, "not a crisis service") {
		t.Errorf("en-GB:\n%s", top)
	}
	if top := help(c, "", "de"); !strings.Contains(top, "TelefonSeelsorge") || !strings.Contains(top, "call 112") {
		t.Errorf("de:\n%s", top)
	}
	if top := help(c, "", "en"); !strings.Contains(top, "your local emergency number") || strings.Contains(top, "Samaritans") {
		t.Errorf("en (no country):\n%s", top)
	}
	// A choice is remembered over the browser's languages.
	if top := help(c, "?country=AU", "en-GB"); !strings.Contains(top, "Lifeline") || !strings.Contains(top, "call 000") {
		t.Errorf("chosen AU:\n%s", top)
	}
	if top := help(c, "", "en-GB"); !strings.Contains(top, "Lifeline") || strings.Contains(top, "Samaritans") {
		t.Errorf("remembered AU:\n%s", top)
	}
	if top := help(c, "?country=ZZ", "en-GB"); !strings.Contains(top, "Lifeline") {
		t.Error("an unknown country replaced the choice")
	}
}
