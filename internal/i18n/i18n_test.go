package i18n

import (
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
)

func TestDatesAndTimes(t *testing.T) {
	day := time.Date(2026, 12, 3, 15, 4, 0, 0, time.UTC)
	now := day.Add(26 * time.Hour)
	for _, c := range []struct {
		lang, got, want string
	}{
		{"en", Get("en").Date(day), "3 December 2026"},
		{"de", Get("de").Date(day), "3. Dezember 2026"},
		{"en", Get("en").DateTime(day), "3 December 2026, 15:04 UTC"},
		{"de", Get("de").DateTime(day), "3. Dezember 2026, 15:04 Uhr UTC"},
		{"de", Get("de").Date(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)), "1. März 2026"},
		{"en", Get("en").Ago(day, day.Add(30*time.Second)), "just now"},
		{"de", Get("de").Ago(day, day.Add(30*time.Second)), "gerade eben"},
		{"en", Get("en").Ago(day, day.Add(time.Minute)), "1 minute ago"},
		{"de", Get("de").Ago(day, day.Add(5*time.Minute)), "vor 5 Minuten"},
		{"de", Get("de").Ago(day, day.Add(time.Hour)), "vor 1 Stunde"},
		{"en", Get("en").Ago(day, now), "yesterday"},
		{"de", Get("de").Ago(day, now), "gestern"},
		{"de", Get("de").Ago(day, day.AddDate(0, 0, 3)), "vor 3 Tagen"},
		{"en", Get("en").Ago(day, day.AddDate(0, 2, 0)), "2 months ago"},
		{"de", Get("de").Ago(day, day.AddDate(3, 0, 0)), "vor 3 Jahren"},
		{"en", Get("en").Number(2000000), "2,000,000"},
		{"de", Get("de").Number(1234), "1.234"},
		{"de", Get("de").Number(999), "999"},
		{"xx", Get("xx").Date(day), "3 December 2026"}, // unknown languages are English
	} {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.lang, c.got, c.want)
		}
	}
}

func TestMessages(t *testing.T) {
	en, de := Get("en"), Get("de")
	for _, c := range []struct{ got, want string }{
		{en.T("comments.count", "Count", 1), "1 comment"},
		{en.T("comments.count", "Count", 7), "7 comments"},
		{de.T("comments.count", "Count", 1), "1 Kommentar"},
		{de.T("comments.count", "Count", 0), "0 Kommentare"},
		// A message without plural forms takes a Count as a value.
		{en.T("dash.urgent", "Count", 1), "Urgent letters (1)"},
		// Values are escaped; the message's own markup stays.
		{en.T("story.shared_by", "Name", `<b>Ann</b> & "co"`), "Shared by &lt;b&gt;Ann&lt;/b&gt; &amp; &#34;co&#34;"},
		{de.T("mine.approved", "ID", 4, "Story", "<i>x</i>"), `Danke. Dein Kommentar steht jetzt bei der Geschichte: <a href="/comments/4">ansehen bei „&lt;i&gt;x&lt;/i&gt;“</a>.`},
		// Text drops the message's markup and keeps a value's "<".
		{en.Text("list.older"), "Looking for older stories? Search finds every story."},
		{en.Text("mail.replies_one", "Name", "Bo", "Excerpt", "I <3 you & me", "Link", "https://x/c/1"), "Bo wrote: “I <3 you & me”\nhttps://x/c/1\n\n"},
		{de.Text("mail.letter_subject", "Site", "Confide"), "Dein Brief an Confide"},
	} {
		if c.got != c.want {
			t.Errorf("got %q\nwant %q", c.got, c.want)
		}
	}
	if got := en.T("no.such.message"); got != "no.such.message" {
		t.Errorf("a missing message: %q", got)
	}
	found := false
	for _, id := range Missing() {
		found = found || id == "no.such.message"
	}
	if !found {
		t.Error("a missing message is not recorded")
	}
}

var placeholder = regexp.MustCompile(`{{\s*\.(\w+)\s*}}`)

// loadFiles reads every message file of one language as id → forms.
func loadFiles(t *testing.T, lang string) map[string]map[string]string {
	t.Helper()
	names, err := files.ReadDir("messages")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]string{}
	for _, n := range names {
		if !strings.HasSuffix(n.Name(), "."+lang+".toml") {
			continue
		}
		b, err := files.ReadFile("messages/" + n.Name())
		if err != nil {
			t.Fatal(err)
		}
		var raw map[string]any
		if err := toml.Unmarshal(b, &raw); err != nil {
			t.Fatalf("%s: %v", n.Name(), err)
		}
		for id, v := range raw {
			if _, dup := out[id]; dup {
				t.Errorf("%s: %s is in two files", n.Name(), id)
			}
			forms := map[string]string{}
			switch x := v.(type) {
			case string:
				forms["other"] = x
			case map[string]any:
				for k, s := range x {
					forms[k], _ = s.(string)
				}
			default:
				t.Errorf("%s: %s is neither a text nor plural forms", n.Name(), id)
			}
			out[id] = forms
		}
	}
	if len(out) == 0 {
		t.Fatalf("no %s messages", lang)
	}
	return out
}

func names(s string) string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		if m[1] != "Count" {
			out = append(out, m[1])
		}
	}
	sort.Strings(out)
	return strings.Join(slicesCompact(out), ",")
}

func slicesCompact(s []string) []string {
	var out []string
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

var tag = regexp.MustCompile(`</?([a-z]+)[^>]*>`)

func tags(s string) string {
	var out []string
	for _, m := range tag.FindAllStringSubmatch(s, -1) {
		out = append(out, m[0][:2]+m[1])
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// Every language has every message, with the same values and the same
// markup (a link in English is a link in German), and its plural forms.
func TestEveryLanguageIsComplete(t *testing.T) {
	en := loadFiles(t, "en")
	for _, l := range Languages {
		other := loadFiles(t, l.Tag)
		for id, forms := range en {
			tr, ok := other[id]
			if !ok {
				t.Errorf("%s: no %s translation", l.Tag, id)
				continue
			}
			if _, plural := forms["one"]; plural {
				if tr["one"] == "" || tr["other"] == "" {
					t.Errorf("%s: %s lacks a plural form", l.Tag, id)
				}
			}
			for form, text := range tr {
				if strings.TrimSpace(text) == "" {
					t.Errorf("%s: %s (%s) is empty", l.Tag, id, form)
				}
				if names(text) != names(forms["other"]) {
					t.Errorf("%s: %s (%s) has values {%s}, English {%s}", l.Tag, id, form, names(text), names(forms["other"]))
				}
				if tags(text) != tags(forms["other"]) {
					t.Errorf("%s: %s (%s) has markup %q, English %q", l.Tag, id, form, tags(text), tags(forms["other"]))
				}
			}
		}
		for id := range other {
			if _, ok := en[id]; !ok {
				t.Errorf("%s: %s has no English message", l.Tag, id)
			}
		}
	}
}

// The German crisis and safety texts follow the safe-messaging guidance as
// the English ones do: no "Selbstmord" or "Freitod" (words that judge or
// glorify), nothing about means, and every one points to help.
func TestGermanSafetyWording(t *testing.T) {
	de := loadFiles(t, "de")
	for id, forms := range de {
		for _, text := range forms {
			low := strings.ToLower(text)
			for _, bad := range []string{"selbstmord", "freitod", "begehen", "erfolgreich", "gescheitert"} {
				if strings.Contains(low, bad) {
					t.Errorf("%s: %q uses %q", id, text, bad)
				}
			}
		}
	}
	for _, id := range []string{"crisis.text", "js.crisis_text", "help.urgent_local", "search.help_text", "story.content_note"} {
		low := strings.ToLower(de[id]["other"])
		if !strings.Contains(low, "jetzt") && !strings.Contains(low, "sofort") {
			t.Errorf("%s does not say help is there now: %q", id, de[id]["other"])
		}
	}
}
