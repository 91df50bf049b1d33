// Package search holds Confide's search language: what a reader may type in
// the search box and how it is cleaned into a query that both engines (SQLite
// FTS5 and PostgreSQL text search) run with the same meaning and without
// error, whatever was typed. The store turns a Query into each engine's SQL;
// this package knows nothing of SQL.
//
// The language is the one people know from web search engines:
//
//	lonely divorce        stories with both words (stemmed: "divorced" matches too)
//	"after the divorce"   the words as a phrase
//	-work                 stories without the word (or -"a phrase")
//	trus*                 words beginning with "trus"
//
// Everything else (brackets, AND, OR, NEAR, colons, stray quotes and stars)
// is treated as ordinary text, never as syntax.
package search

import (
	_ "embed"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on what one query can ask of the database.
const (
	MaxInput      = 500 // runes of input read; the rest is ignored
	MaxWordRunes  = 40  // longer "words" are not words people search for
	MaxTerms      = 8   // words and phrases to look for
	MaxExclusions = 4   // words and phrases to leave out
	MaxPhrase     = 8   // words in one phrase
	MinPrefix     = 3   // runes before a * for it to mean "begins with"
)

// Term is a word or a phrase to look for or to leave out.
type Term struct {
	Words   []string // lower-case; more than one for a phrase
	Prefix  bool     // the last word is a beginning ("trus*")
	Exclude bool     // stories containing it are left out
}

// Phrase reports whether the term is several words in order.
func (t Term) Phrase() bool { return len(t.Words) > 1 }

// String is the term as a reader would type it.
func (t Term) String() string {
	s := strings.Join(t.Words, " ")
	if t.Phrase() {
		s = `"` + s + `"`
	}
	if t.Prefix {
		s += "*"
	}
	if t.Exclude {
		s = "-" + s
	}
	return s
}

// Query is a cleaned search query. Any means that a story matching some of the
// terms is enough (related stories use it); otherwise every term must match.
type Query struct {
	Terms   []Term
	Any     bool
	Dropped []string // stop words that were left out
	Cut     bool     // the input went past a limit (length, terms, word size) and was cut
}

// Include returns the terms to look for.
func (q Query) Include() []Term { return q.filter(false) }

// Exclude returns the terms to leave out.
func (q Query) Exclude() []Term { return q.filter(true) }

func (q Query) filter(exclude bool) []Term {
	var out []Term
	for _, t := range q.Terms {
		if t.Exclude == exclude {
			out = append(out, t)
		}
	}
	return out
}

// Empty reports whether there is nothing to look for. A query of only
// exclusions is empty: "everything except" is not a search.
func (q Query) Empty() bool { return len(q.Include()) == 0 }

// Unranked reports whether ranking q by relevance is not worth its cost:
// with a beginning ("trus*", which matches many words, each weighed on its
// own), a phrase (ranking one means finding it in every story again) or
// four words or more (a story with all of them is already a close match,
// and such everyday words weigh next to nothing) results are listed newest
// first (after title matches, where a search has them).
func (q Query) Unranked() bool {
	inc := q.Include()
	if len(inc) >= 4 {
		return true
	}
	for _, t := range inc {
		if t.Prefix || t.Phrase() {
			return true
		}
	}
	return false
}

// Beginnings returns q's words to look for as beginnings ("lone" finds
// "lonely"), for filters that match as people type: the admin area's title
// filter. Phrases become their words; exclusions stay as they are.
func (q Query) Beginnings() Query {
	out := Query{Any: q.Any}
	for _, t := range q.Terms {
		if t.Exclude {
			out.Terms = append(out.Terms, t)
			continue
		}
		for _, w := range t.Words {
			out.Terms = append(out.Terms, Term{Words: []string{w}, Prefix: true})
		}
	}
	return out
}

// HasPrefix reports whether a word to look for is a beginning ("trus*").
func (q Query) HasPrefix() bool {
	for _, t := range q.Include() {
		if t.Prefix {
			return true
		}
	}
	return false
}

// String is the cleaned query as a reader would type it.
func (q Query) String() string {
	parts := make([]string, len(q.Terms))
	for i, t := range q.Terms {
		parts[i] = t.String()
	}
	return strings.Join(parts, " ")
}

//go:embed stopwords.txt
var stopwordsFile string

var stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(stopwordsFile, "\n") {
		if w := strings.TrimSpace(line); w != "" && !strings.HasPrefix(w, "#") {
			m[w] = true
		}
	}
	return m
}()

// IsStopword reports whether w (lower-case) is too common to search for.
func IsStopword(w string) bool { return stopwords[w] }

// Parse cleans what a reader typed into a Query. It never fails: whatever
// cannot be searched for is dropped, and Dropped and Cut say what.
func Parse(input string) Query {
	var q Query
	if utf8.RuneCountInString(input) > MaxInput {
		input = string([]rune(input)[:MaxInput])
		// Cut at a space, so no half word is searched for.
		if i := strings.LastIndexFunc(input, unicode.IsSpace); i > 0 {
			input = input[:i]
		}
		q.Cut = true
	}
	input = strings.ToValidUTF8(input, " ")
	seen := map[string]bool{}
	included, excluded := 0, 0
	for _, tok := range tokenize(input) {
		t, dropped, long := clean(tok)
		q.Dropped = append(q.Dropped, dropped...)
		q.Cut = q.Cut || long
		if len(t.Words) == 0 {
			continue
		}
		key := t.String()
		if seen[key] {
			continue
		}
		if t.Exclude && excluded >= MaxExclusions || !t.Exclude && included >= MaxTerms {
			q.Cut = true
			continue
		}
		seen[key] = true
		if t.Exclude {
			excluded++
		} else {
			included++
		}
		q.Terms = append(q.Terms, t)
	}
	return q
}

// token is a raw piece of input: a quoted phrase or a run of non-space text,
// with a leading minus and a trailing star noted.
type token struct {
	text    string
	quoted  bool
	exclude bool
	star    bool
}

func tokenize(s string) []token {
	var out []token
	r := []rune(s)
	for i := 0; i < len(r); {
		if unicode.IsSpace(r[i]) {
			i++
			continue
		}
		var t token
		// A minus at the start of a token excludes it ("-work", -"a phrase").
		if r[i] == '-' && i+1 < len(r) && (r[i+1] == '"' || isWordRune(r[i+1])) {
			t.exclude = true
			i++
		}
		if r[i] == '"' {
			// A phrase runs to the closing quote, or to the end if there is none.
			j := i + 1
			for j < len(r) && r[j] != '"' {
				j++
			}
			t.text, t.quoted = string(r[i+1:j]), true
			i = j + 1
		} else {
			j := i
			for j < len(r) && !unicode.IsSpace(r[j]) && r[j] != '"' {
				j++
			}
			t.text = string(r[i:j])
			i = j
		}
		if i < len(r) && r[i] == '*' {
			i++
			t.star = true
		}
		t.star = t.star || strings.HasSuffix(strings.TrimRightFunc(t.text, func(c rune) bool { return !isWordRune(c) && c != '*' }), "*")
		out = append(out, t)
	}
	return out
}

func isWordRune(c rune) bool { return unicode.IsLetter(c) || unicode.IsDigit(c) }

// Words splits text into lower-case words the way both engines' tokenizers
// do: runs of letters and digits; everything else separates.
func Words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(c rune) bool { return !isWordRune(c) })
}

// clean turns a token into a term. It returns the stop words it dropped, and
// whether it dropped over-long words or cut a long phrase.
func clean(tok token) (t Term, dropped []string, long bool) {
	words := Words(tok.text)
	kept := words[:0]
	for _, w := range words {
		if utf8.RuneCountInString(w) > MaxWordRunes {
			long = true
			continue
		}
		kept = append(kept, w)
	}
	words = kept
	if len(words) > MaxPhrase {
		words, long = words[:MaxPhrase], true
	}
	t = Term{Exclude: tok.exclude}
	switch {
	case len(words) == 0:
		return t, nil, long
	case len(words) == 1:
		w := words[0]
		if tok.star && utf8.RuneCountInString(w) >= MinPrefix {
			// A beginning is not stemmed or dropped: "the*" finds "theatre".
			t.Words, t.Prefix = []string{w}, true
			return t, nil, long
		}
		if stopwords[w] {
			return t, []string{w}, long
		}
		t.Words = []string{w}
		return t, nil, long
	default:
		// A phrase keeps the stop words inside it (they hold the words
		// apart) but not at its ends, which PostgreSQL ignores. A star after
		// a phrase is ignored: PostgreSQL cannot match a phrase ending in a
		// beginning.
		start, end := 0, len(words)
		for start < end && stopwords[words[start]] {
			start++
		}
		for end > start && stopwords[words[end-1]] {
			end--
		}
		dropped = append(append(dropped, words[:start]...), words[end:]...)
		t.Words = words[start:end]
		return t, dropped, long
	}
}
