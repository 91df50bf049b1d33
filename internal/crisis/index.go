package crisis

import "slices"

// phraseIndex finds, for a word of a text, the phrases that may begin
// there. A phrase is filed under its first word, and a phrase that begins
// with a class under every word of the class, so that a text is read once
// rather than once for each phrase (a story of 1,400 words against a
// hundred phrases took 15 ms). Phrases that begin with a word's beginning
// or a number are tried at every word. match still decides: the index only
// leaves out phrases that cannot begin at a word.
type phraseIndex struct {
	first  map[string][]entry
	anyway []entry
}

// entry is a phrase in an index: pos orders the phrases that may begin at
// one word as their lists do.
type entry struct {
	p    *Phrase
	tier Tier
	pos  int
}

func newIndex(classes map[string]map[string]bool, entries []entry) *phraseIndex {
	x := &phraseIndex{first: map[string][]entry{}}
	for _, e := range entries {
		switch first := e.p.parts[0]; {
		case first.prefix || first.number >= 0 || first.gap > 0:
			x.anyway = append(x.anyway, e)
		case first.class != "":
			for w := range classes[first.class] {
				x.first[w] = append(x.first[w], e)
			}
		default:
			x.first[first.word] = append(x.first[first.word], e)
			if sq := squeeze(first.word); sq != first.word {
				x.first[sq] = append(x.first[sq], e)
			}
		}
	}
	return x
}

// indexList indexes one list of phrases, in its order.
func indexList(classes map[string]map[string]bool, ps []Phrase) *phraseIndex {
	entries := make([]entry, len(ps))
	for i := range ps {
		entries[i] = entry{p: &ps[i], pos: i}
	}
	return newIndex(classes, entries)
}

// at returns the phrases that may begin at word w, in their lists' order,
// in buf's storage.
func (x *phraseIndex) at(w string, buf []entry) []entry {
	buf = append(buf[:0], x.first[w]...)
	sources := 0
	if len(buf) > 0 {
		sources++
	}
	if hasRun3(w) { // "sooo" is also read as "so"
		if sq := squeeze(w); sq != w {
			if more := x.first[sq]; len(more) > 0 {
				buf, sources = append(buf, more...), sources+1
			}
		}
	}
	if len(x.anyway) > 0 {
		buf, sources = append(buf, x.anyway...), sources+1
	}
	if sources > 1 {
		slices.SortFunc(buf, func(a, b entry) int { return a.pos - b.pos })
		buf = slices.CompactFunc(buf, func(a, b entry) bool { return a.p == b.p })
	}
	return buf
}
