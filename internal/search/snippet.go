package search

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Snippet returns a passage of about size words of text where q's words
// are, each marked with MarkStart and MarkEnd, with "…" where the text goes
// on before or after it, and whether any word of q was found (without one,
// the passage is the text's beginning). Words match as the engines match
// them: case and accents folded, stemmed by Porter's algorithm (as FTS5
// stems; PostgreSQL's English stemmer agrees on nearly every word), a
// beginning ("trus*") as a beginning, a phrase as its words in a row.
//
// The engines can make passages themselves (FTS5's snippet, PostgreSQL's
// ts_headline), but they read the whole text of every hit again to do it,
// in SQLite's case through a slow tokenizer: a quarter of a search's time.
func Snippet(text string, q Query, size int) (string, bool) {
	return NewSnippeter(q).Snippet(text, size)
}

// Snippeter makes the passages of one query's results. It remembers the
// words it has stemmed, which the texts of one page of results mostly
// share: stemming every word of every text again cost a search of many
// words more than finding its stories. Not safe for concurrent use.
type Snippeter struct {
	m     *matcher
	words []wordAt // the last text's words, whose room the next one reuses
}

// NewSnippeter prepares the passages of q's results.
func NewSnippeter(q Query) *Snippeter { return &Snippeter{m: newMatcher(q)} }

// Snippet is the package's Snippet for the query sn was made for.
func (sn *Snippeter) Snippet(text string, size int) (string, bool) {
	size = max(size, 1)
	m := sn.m
	tk := &tokenizer{text: text, words: sn.words[:0]}
	defer func() { sn.words = tk.words }()
	var hits []hit
	complete := false // a passage holds every term: no better one exists
	scan := func(i int) {
		for ti, t := range m.terms {
			if tk.have(i+len(t)) && m.matchAt(tk.words, i, t) > 0 {
				hits = append(hits, hit{start: i, end: i + len(t), term: ti})
				complete = complete || allTerms(hits, len(m.terms), size)
			}
		}
	}
	i := 0
	for ; !complete && tk.have(i+1); i++ {
		scan(i)
	}
	if len(tk.words) == 0 {
		return "", false
	}
	words := len(tk.words)
	if complete {
		words = math.MaxInt // the text goes on; how far is not needed
	}
	start := 0
	if len(hits) > 0 {
		start = bestWindow(hits, words, size)
	}
	tk.have(start + size)
	for ; i < min(start+size, len(tk.words)); i++ {
		scan(i) // the rest of the passage's words, to be marked too
	}
	toks := tk.words
	start = max(0, min(start, len(toks)-size)) // the text ended sooner
	end := min(len(toks), start+size)
	more := end < len(toks) || tk.have(end+1)
	var b strings.Builder
	if start > 0 {
		b.WriteString("…")
	}
	at := toks[start].start
	if start == 0 {
		at = 0 // what comes before the first word: a quote mark, a dash
	}
	for _, h := range hits {
		if h.start < start || h.end > end || toks[h.start].start < at {
			continue // outside, or overlapping a passage already marked
		}
		b.WriteString(text[at:toks[h.start].start])
		b.WriteString(MarkStart)
		b.WriteString(text[toks[h.start].start:toks[h.end-1].end])
		b.WriteString(MarkEnd)
		at = toks[h.end-1].end
	}
	if more {
		b.WriteString(text[at:toks[end-1].end])
		b.WriteString("…")
	} else {
		b.WriteString(text[at:])
	}
	return b.String(), len(hits) > 0
}

// allTerms reports whether the newest hit and those before it within size
// words hold every one of n terms.
func allTerms(hits []hit, n, size int) bool {
	last := hits[len(hits)-1]
	seen := 0
	var mask uint64
	for i := len(hits) - 1; i >= 0 && last.end-hits[i].start <= size; i-- {
		if bit := uint64(1) << (hits[i].term % 64); mask&bit == 0 {
			mask |= bit
			seen++
		}
	}
	return seen >= n
}

// tokenizer splits a text into words as they are asked for.
type tokenizer struct {
	text  string
	pos   int
	words []wordAt
}

// have reads words until there are n, and reports whether there are.
func (tk *tokenizer) have(n int) bool {
	for len(tk.words) < n && tk.pos < len(tk.text) {
		tk.next()
	}
	return len(tk.words) >= n
}

// next reads one word, if there is one more: a run of letters and digits,
// as the engines' tokenizers read words.
func (tk *tokenizer) next() {
	start, ascii := -1, true
	for tk.pos < len(tk.text) {
		if c := tk.text[tk.pos]; c < utf8.RuneSelf {
			// Letters are mostly ASCII: they need no decoding.
			if asciiWord[c] {
				if start < 0 {
					start = tk.pos
				}
				tk.pos++
				continue
			}
			tk.pos++
			if start >= 0 {
				end := tk.pos - 1
				tk.words = append(tk.words, wordAt{start, end, fold(tk.text[start:end], ascii)})
				return
			}
			continue
		}
		r, n := utf8.DecodeRuneInString(tk.text[tk.pos:])
		if isWordRune(r) {
			if start < 0 {
				start = tk.pos
			}
			ascii = ascii && r < utf8.RuneSelf
			tk.pos += n
			continue
		}
		tk.pos += n
		if start >= 0 {
			end := tk.pos - n
			tk.words = append(tk.words, wordAt{start, end, fold(tk.text[start:end], ascii)})
			return
		}
	}
	if start >= 0 {
		tk.words = append(tk.words, wordAt{start, len(tk.text), fold(tk.text[start:], ascii)})
	}
}

// asciiWord tells which ASCII characters are part of a word (isWordRune).
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = isWordRune(rune(c))
	}
	return t
}()

// wordAt is a word of a text: where it is, and its folded form.
type wordAt struct {
	start, end int
	folded     string
}

// fold lower-cases a word and takes its accents off ("Café" is "cafe"), as
// FTS5's remove_diacritics does.
func fold(w string, ascii bool) string {
	if ascii {
		return strings.ToLower(w)
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(w)) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// hit is where one of the query's terms was found: words [start, end).
type hit struct{ start, end, term int }

// bestWindow returns where a passage of size words begins: the one that
// holds the most different terms, then the most hits, with its hits in the
// middle; the earliest of equals.
func bestWindow(hits []hit, words, size int) int {
	best, bestScore := 0, -1
	for i, h := range hits[:min(len(hits), 200)] {
		last := i
		for last+1 < len(hits) && hits[last+1].end-h.start <= size {
			last++
		}
		span := hits[last].end - h.start
		start := max(0, min(h.start-(size-span)/2, words-size))
		seen := map[int]bool{}
		n := 0
		for _, g := range hits {
			if g.start >= start && g.end <= start+size {
				seen[g.term] = true
				n++
			}
		}
		if score := 1000*len(seen) + n; score > bestScore {
			best, bestScore = start, score
		}
	}
	return best
}

// matcher holds a query's terms to find, each as its words' matchers.
type matcher struct {
	terms [][]wordMatcher
}

// wordMatcher matches one word of a term: a beginning, or a stem.
type wordMatcher struct {
	prefix string // the folded beginning, for "trus*"
	stem   string
	// lead is a beginning every word with that stem has (Porter changes a
	// word's last letters only), so most words need no stemming.
	lead  string
	stems map[string]string // words stemmed so far
}

func newMatcher(q Query) *matcher {
	m := &matcher{}
	for _, t := range q.Include() {
		var ws []wordMatcher
		for i, w := range t.Words {
			w = fold(w, false)
			if t.Prefix && i == len(t.Words)-1 {
				ws = append(ws, wordMatcher{prefix: w})
				continue
			}
			st := Stem(w)
			// Porter changes the last letters of a word only, so a word
			// with this stem begins with all of it but its last two.
			lead := ""
			if len(st) > 2 {
				lead = st[:len(st)-2]
			}
			ws = append(ws, wordMatcher{stem: st, lead: lead, stems: map[string]string{}})
		}
		if len(ws) > 0 {
			m.terms = append(m.terms, ws)
		}
	}
	return m
}

// matchAt returns how many words term matches from word i, or 0.
func (m *matcher) matchAt(toks []wordAt, i int, term []wordMatcher) int {
	if i+len(term) > len(toks) {
		return 0
	}
	for k := range term {
		if !term[k].matches(toks[i+k].folded) {
			return 0
		}
	}
	return len(term)
}

func (w *wordMatcher) matches(word string) bool {
	if w.prefix != "" {
		return strings.HasPrefix(word, w.prefix)
	}
	if !strings.HasPrefix(word, w.lead) {
		return false
	}
	st, ok := w.stems[word]
	if !ok {
		st = Stem(word)
		w.stems[word] = st
	}
	return st == w.stem
}
