package markup

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Excerpt returns about max characters of text on one line, cut at a word
// boundary and marked with an ellipsis when something was left out.
func Excerpt(text string, max int) string {
	// Only the start matters: look at a little more than max characters of
	// it (space runs fold to one), not the whole letter.
	cutShort := len(text) > 8*max+8
	if cutShort {
		text = text[:8*max+8]
		for !utf8.ValidString(text) { // do not split a character
			text = text[:len(text)-1]
		}
	}
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) <= max {
		if cutShort {
			return text + "…"
		}
		return text
	}
	runes := []rune(text)
	cut := max
	for cut > 0 && !unicode.IsSpace(runes[cut]) {
		cut--
	}
	if cut == 0 { // one long word: cut inside it
		cut = max
	}
	return strings.TrimRightFunc(string(runes[:cut]), func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r)
	}) + "…"
}

// RelativeTime says how long ago t was, seen from now, the way people say it:
// "just now", "5 minutes ago", "yesterday", "3 days ago", "2 years ago".
func RelativeTime(t, now time.Time) string {
	d := now.Sub(t)
	if d < 0 {
		d = 0
	}
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute")
	case d < 24*time.Hour:
		return plural(int(d/time.Hour), "hour")
	case d < 48*time.Hour:
		return "yesterday"
	case d < 30*24*time.Hour:
		return plural(int(d/(24*time.Hour)), "day")
	}
	months := monthsBetween(t, now)
	if months < 12 {
		if months < 1 {
			months = 1
		}
		return plural(months, "month")
	}
	return plural(months/12, "year")
}

func monthsBetween(a, b time.Time) int {
	m := (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
	if b.Day() < a.Day() {
		m--
	}
	return m
}

func plural(n int, unit string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s ago", unit)
	}
	return fmt.Sprintf("%d %ss ago", n, unit)
}

// Slugify makes a URL slug from a title: lower-case ASCII words joined by
// "-". Accented Latin letters lose their accents; other characters go. An
// empty result becomes "story".
func Slugify(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		if s, ok := fold[r]; ok {
			b.WriteString(s)
			dash = false
			continue
		}
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.TrimRight(b.String(), "-")
	if len(s) > 80 {
		// Cut at the last whole word, unless the cut already falls between words.
		cutInWord := s[80] != '-' && s[79] != '-'
		s = strings.TrimRight(s[:80], "-")
		if i := strings.LastIndexByte(s, '-'); cutInWord && i > 40 {
			s = s[:i]
		}
	}
	if s == "" {
		return "story"
	}
	return s
}

var fold = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'æ': "ae", 'ç': "c",
	'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ì': "i", 'í': "i", 'î': "i", 'ï': "i",
	'ñ': "n", 'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'œ': "oe",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ý': "y", 'ÿ': "y", 'ß': "ss",
}
