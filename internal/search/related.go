package search

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// RelatedTerms is how many words of a story make up its "stories like this"
// query.
const RelatedTerms = 12

// everyday are words that are not stop words but say little about what a
// story is about: nearly every letter has them. Composed for Confide from the
// words its letters use most; a story's related query prefers other words.
var everyday = toSet(`also always another anyone anything around away back bad best better
big came come could day days different done even ever every everyone everything feel feeling
feels felt find first get gets getting give go goes going gone good got great hard help
just keep know last life like little long look lot made make many may maybe might much must
need never new next nothing now old one ones people put really right said say see seem
since something sometimes still sure take tell thing things think thought time times told
try trying two us use want wanted way week well went whole without would year years yet`)

func toSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// Related builds the query that finds stories like one with this title and
// text: its most frequent telling words (title words count three times),
// any of which may match; the engine's ranking (bm25, ts_rank) then prefers
// stories sharing the rarer ones.
func Related(title, text string) Query {
	count := map[string]float64{}
	add := func(s string, weight float64) {
		for _, w := range Words(s) {
			n := utf8.RuneCountInString(w)
			if n < 3 || n > MaxWordRunes || stopwords[w] || isNumber(w) {
				continue
			}
			if everyday[w] {
				count[w] += weight / 4
			} else {
				count[w] += weight
			}
		}
	}
	add(title, 3)
	add(text, 1)
	words := make([]string, 0, len(count))
	for w := range count {
		words = append(words, w)
	}
	sort.Slice(words, func(i, j int) bool {
		if count[words[i]] != count[words[j]] {
			return count[words[i]] > count[words[j]]
		}
		return words[i] < words[j]
	})
	if len(words) > RelatedTerms {
		words = words[:RelatedTerms]
	}
	q := Query{Any: true}
	for _, w := range words {
		q.Terms = append(q.Terms, Term{Words: []string{w}})
	}
	return q
}

func isNumber(w string) bool {
	for _, c := range w {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
