package search

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// RelatedTerms is how many words of a story make up its "stories like this"
// query.
const RelatedTerms = 8

// everyday are words that are not stop words but say little about what a
// story is about: nearly every letter has them. Composed for Confide from the
// words its letters use most; a story's related query prefers other words.
var everyday = toSet(`about across after again almost alone already although among anybody
anymore anyway ask asked back bit both call called came cannot care could does doing done
else enough especially everybody except far feels friend friends happen happened having
hear heard help home hope inside instead kind knew lately least left less let lives living
mean means mind month months morning moved nobody night often once others part perhaps
person place point quite rather reason seems seen show side small someone somebody start
started stop talk talked talking talks thank thanks today together told tomorrow took
turn understand usually wait walk whatever while whose wish wonder work working world write
writing wrote yesterday young also always another anyone anything around away back bad best better
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
// any of which may match; the engine's ranking then prefers stories sharing
// more of them. Everyday words are left out: PostgreSQL's ts_rank knows
// nothing of how rare a word is, so a common word in the query would favour
// long stories over similar ones.
func Related(title, text string) Query {
	count := map[string]float64{}
	add := func(s string, weight float64) {
		for _, w := range Words(s) {
			n := utf8.RuneCountInString(w)
			if n < 3 || n > MaxWordRunes || stopwords[w] || everyday[w] || isNumber(w) {
				continue
			}
			count[w] += weight
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
