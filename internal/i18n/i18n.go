// Package i18n holds the site's words in every language it speaks: the
// message files (messages/*.toml, read with go-i18n) and the dates and
// relative times written the way each language writes them.
//
// A message is named by an id ("story.reply_heading"); its English text is
// in messages/en.toml and every other language's in its own file. Messages
// are HTML snippets written by us (some hold a link); the values put into
// them are escaped, so a visitor's name can never become markup.
package i18n

import (
	"embed"
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/confide/confide/internal/model"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed messages/*.toml
var files embed.FS

// Default is the language of a site that chose none.
const Default = "en"

// Language is one language the site can be shown in.
type Language struct {
	Tag  string // "en", "de"
	Name string // its name in itself: "English", "Deutsch"
}

// Languages are those with a complete message file, in the order an admin
// is offered them.
var Languages = []Language{{"en", "English"}, {"de", "Deutsch"}}

// Lang writes the messages, dates and times of one language.
type Lang struct {
	Tag string
	loc *goi18n.Localizer
}

var (
	bundle  *goi18n.Bundle
	langs   = map[string]*Lang{}
	missing sync.Map                       // ids asked for that no file holds (see Missing)
	defined = map[string]map[string]bool{} // language tag → ids its files hold
)

func init() {
	bundle = goi18n.NewBundle(language.English)
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	names, err := fs.Glob(files, "messages/*.toml")
	if err != nil {
		panic(err)
	}
	for _, name := range names {
		mf, err := bundle.LoadMessageFileFS(files, name)
		if err != nil {
			// The files are part of the binary: a broken one is a bug
			// that must stop the build's tests, not a visitor's page.
			panic(fmt.Sprintf("i18n: %s: %v", name, err))
		}
		tag := mf.Tag.String()
		if defined[tag] == nil {
			defined[tag] = map[string]bool{}
		}
		for _, m := range mf.Messages {
			defined[tag][m.ID] = true
		}
	}
	for _, l := range Languages {
		langs[l.Tag] = &Lang{Tag: l.Tag, loc: goi18n.NewLocalizer(bundle, l.Tag)}
	}
	model.Describe = func(id string, args []any) string { return langs[Default].Text(id, args...) }
}

// Get returns the language with the tag, or English for any other tag.
func Get(tag string) *Lang {
	if l, ok := langs[tag]; ok {
		return l
	}
	return langs[Default]
}

// Known reports whether tag names a language the site speaks.
func Known(tag string) bool {
	_, ok := langs[tag]
	return ok
}

// T returns message id with its arguments, given as name/value pairs
// ("Name", c.AuthorName, "Count", n). A "Count" argument also chooses the
// plural form. String values are HTML-escaped; the message itself is ours
// and may hold markup. An id no file holds comes back as it is (and is
// remembered for Missing), so a forgotten message shows as its id, never
// as an empty space.
func (l *Lang) T(id string, args ...any) string {
	if id == "" {
		return ""
	}
	return l.localize(config(id, args))
}

// config is the request for message id with its arguments. String values
// are escaped (Text unescapes them with the whole message, so that a
// value's own "<" is never taken for markup); template.HTML ones are ours.
func config(id string, args []any) *goi18n.LocalizeConfig {
	cfg := &goi18n.LocalizeConfig{MessageID: id}
	if len(args) == 0 {
		return cfg
	}
	data := make(map[string]any, len(args)/2)
	for i := 0; i+1 < len(args); i += 2 {
		k, _ := args[i].(string)
		v := args[i+1]
		switch x := v.(type) {
		case string:
			v = html.EscapeString(x)
		case template.HTML:
			v = string(x)
		}
		data[k] = v
		if k == "Count" {
			cfg.PluralCount = args[i+1]
		}
	}
	cfg.TemplateData = data
	return cfg
}

// localize writes cfg's message. A message that has no plural forms takes a
// Count like any other value.
func (l *Lang) localize(cfg *goi18n.LocalizeConfig) string {
	s, err := l.loc.Localize(cfg)
	if err != nil && cfg.PluralCount != nil {
		cfg.PluralCount = nil
		s, err = l.loc.Localize(cfg)
	}
	if err != nil {
		missing.Store(cfg.MessageID, true)
		return cfg.MessageID
	}
	return s
}

// Text is T for plain text (an e-mail, a subject line, a log-free message):
// the values are not escaped and the markup of the few messages that hold
// a link is dropped, keeping the link's words.
func (l *Lang) Text(id string, args ...any) string {
	if id == "" {
		return ""
	}
	return html.UnescapeString(stripTags(l.localize(config(id, args))))
}

func stripTags(s string) string {
	if !strings.Contains(s, "<") {
		return s
	}
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>' && in:
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Has reports whether this language's own files hold message id (a
// language without it would show the English text).
func (l *Lang) Has(id string) bool { return defined[l.Tag][id] }

// Missing lists the ids asked for since the program started that no message
// file holds. Tests fail on any.
func Missing() []string {
	var out []string
	missing.Range(func(k, _ any) bool {
		out = append(out, k.(string))
		return true
	})
	sort.Strings(out)
	return out
}

// Date writes a day: "3 December 2026", "3. Dezember 2026".
func (l *Lang) Date(t time.Time) string {
	t = t.UTC()
	return l.Text("date.long", "Day", t.Day(), "Month", l.Text("month."+strconv.Itoa(int(t.Month()))), "Year", t.Year())
}

// DateTime writes a day and a time of day (UTC).
func (l *Lang) DateTime(t time.Time) string {
	t = t.UTC()
	return l.Text("date.time", "Date", l.Date(t), "Time", t.Format("15:04"))
}

// Ago writes how long before now t was: "just now", "3 hours ago",
// "vor 3 Stunden".
func (l *Lang) Ago(t, now time.Time) string {
	d := now.Sub(t)
	if d < 0 {
		d = 0
	}
	switch {
	case d < time.Minute:
		return l.Text("ago.now")
	case d < time.Hour:
		return l.Text("ago.minutes", "Count", int(d/time.Minute))
	case d < 24*time.Hour:
		return l.Text("ago.hours", "Count", int(d/time.Hour))
	case d < 48*time.Hour:
		return l.Text("ago.yesterday")
	case d < 30*24*time.Hour:
		return l.Text("ago.days", "Count", int(d/(24*time.Hour)))
	}
	months := (now.Year()-t.Year())*12 + int(now.Month()) - int(t.Month())
	if now.Day() < t.Day() {
		months--
	}
	if months < 12 {
		return l.Text("ago.months", "Count", max(months, 1))
	}
	return l.Text("ago.years", "Count", months/12)
}

// Number writes n with the language's thousands separator: 2,000 or 2.000.
func (l *Lang) Number(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	sep := l.Text("number.thousands")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
