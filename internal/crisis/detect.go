package crisis

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Detector finds risk language with one language's lists.
type Detector struct {
	lists *Lists
	// Indexes of the lists read at every word of a text.
	phrases  *phraseIndex // every tier's, literal first words before the rest
	topic    *phraseIndex
	not      *phraseIndex
	concepts map[string]*phraseIndex
	model    *Model // nil: the lists alone
}

// New makes a detector from word lists.
func New(l *Lists) *Detector {
	d := &Detector{lists: l, topic: indexList(l.Classes, l.Topic), not: indexList(l.Classes, l.Not), concepts: map[string]*phraseIndex{}}
	// The phrases that begin with a literal word are tried first, then
	// the others, each group from Low to High in list order.
	var literal, other []entry
	for t := Low; t <= High; t++ {
		for i := range l.Phrases[t] {
			p := &l.Phrases[t][i]
			if first := p.parts[0]; first.word != "" && !first.prefix {
				literal = append(literal, entry{p: p, tier: t})
			} else {
				other = append(other, entry{p: p, tier: t})
			}
		}
	}
	all := append(literal, other...)
	for i := range all {
		all[i].pos = i
	}
	d.phrases = newIndex(l.Classes, all)
	for name, ps := range l.Concepts {
		d.concepts[name] = indexList(l.Classes, ps)
	}
	return d
}

// English returns the detector with the built-in English lists. Were the
// built-in files ever broken, every call panics alike (sync.OnceValue),
// rather than the first one and then a nil detector.
var English = sync.OnceValue(func() *Detector {
	l, err := Load("en")
	if err != nil {
		panic(err) // the built-in lists are tested; they parse
	}
	m, err := LoadModel("en")
	if err != nil {
		panic(err) // the built-in model is tested; it parses
	}
	return New(l).WithModel(m)
})

// WithModel returns a copy of the detector that also reads texts with the
// scored model (see model.go).
func (d *Detector) WithModel(m *Model) *Detector {
	c := *d
	c.model = m
	return &c
}

// Model returns the detector's scored model, or nil.
func (d *Detector) Model() *Model { return d.model }

// Lists returns the detector's word lists.
func (d *Detector) Lists() *Lists { return d.lists }

// span is a match's place in the words of a text.
type span struct {
	start, end int // words [start, end)
	phrase     *Phrase
	listed     Tier
}

// Detect reads a text and returns its tier and the phrases behind it.
func (d *Detector) Detect(text string) Result {
	return d.detect(d.lists.replace(tokenize(text)), true)
}

// detect reads a text's words; withRisk lets the model's Risk scorer raise
// a text without a risk phrase to low (for a writer, who is then shown the
// helplines; not for a story's content note, see Touches).
func (d *Detector) detect(toks []token, withRisk bool) Result {
	var found []span
	var buf []entry
	for i := range toks {
		buf = d.phrases.at(toks[i].word, buf)
		for _, c := range buf {
			if end, ok := d.match(toks, i, c.p.parts, toks[i].sentence); ok {
				found = append(found, span{i, end, c.p, c.tier})
			}
		}
	}
	found = d.notRisk(toks, longest(found))
	var r Result
	covered := d.notCovered(toks) // by [not] phrases: read by neither combine nor the model
	if m, ok := d.combine(toks, covered); ok {
		r.Matches, r.Tier = append(r.Matches, m), m.Tier
	}
	for _, s := range found {
		m := Match{Phrase: s.phrase.Text, Words: words(toks[s.start:s.end]), Listed: s.listed}
		m.Tier, m.Context = d.inContext(toks, s)
		if m.Tier == None {
			continue
		}
		r.Matches = append(r.Matches, m)
		r.Tier = max(r.Tier, m.Tier)
	}
	if d.model != nil && r.Tier < High {
		sc := d.model.Score(d.lists, uncovered(toks, covered))
		urgent := sc.Urgent >= d.model.Urgent.Threshold
		switch {
		case urgent && sc.High >= d.model.High.Threshold:
			r.Tier = High
			r.Matches = append(r.Matches, Match{Phrase: "(scored)", Words: passageWords(sc.HighAt), Listed: High, Tier: High, Score: sc.High})
		case urgent && r.Tier < Medium:
			r.Tier = Medium
			r.Matches = append(r.Matches, Match{Phrase: "(scored)", Words: passageWords(sc.UrgentAt), Listed: Medium, Tier: Medium, Score: sc.Urgent})
		case !urgent && withRisk && r.Tier < Low && sc.Risk >= d.model.Risk.Threshold:
			r.Tier = Low
			r.Matches = append(r.Matches, Match{Phrase: "(scored)", Words: passageWords(sc.RiskAt), Listed: Low, Tier: Low, Score: sc.Risk})
		}
	}
	sort.SliceStable(r.Matches, func(i, j int) bool { return r.Matches[i].Tier > r.Matches[j].Tier })
	return r
}

// match tries a phrase's parts at word i, all within sentence sent, and
// returns where the match ends.
func (d *Detector) match(toks []token, i int, parts []part, sent int) (int, bool) {
	if len(parts) == 0 {
		return i, true
	}
	p := parts[0]
	if p.gap > 0 {
		for skip := 0; skip <= p.gap; skip++ {
			j := i + skip
			if j > len(toks) || (skip > 0 && toks[j-1].sentence != sent) {
				break
			}
			if end, ok := d.match(toks, j, parts[1:], sent); ok {
				return end, true
			}
		}
		return 0, false
	}
	if i >= len(toks) || toks[i].sentence != sent || !d.wordMatches(toks[i].word, p) {
		return 0, false
	}
	return d.match(toks, i+1, parts[1:], sent)
}

func (d *Detector) wordMatches(w string, p part) bool {
	switch {
	case p.number >= 0:
		n, err := strconv.Atoi(w)
		return err == nil && n >= p.number
	case p.class != "":
		return d.lists.Classes[p.class][w] || (hasRun3(w) && d.lists.Classes[p.class][squeeze(w)])
	case p.prefix:
		return strings.HasPrefix(w, p.word)
	default:
		return w == p.word || (hasRun3(w) && squeeze(w) == squeeze(p.word))
	}
}

// longest keeps, of matches that overlap, those not inside a longer one:
// "attempted suicide" (low) is what a text says, not "suicide" (medium).
func longest(in []span) []span {
	var out []span
	for i, a := range in {
		inside := false
		for j, b := range in {
			if i != j && b.start <= a.start && a.end <= b.end && (b.end-b.start > a.end-a.start || (b.end-b.start == a.end-a.start && j < i)) {
				inside = true
				break
			}
		}
		if !inside {
			out = append(out, a)
		}
	}
	return out
}

// notRisk drops the matches that a [not] phrase overlaps: words a risk
// phrase may sit in without being one ("a new knife set").
func (d *Detector) notRisk(toks []token, in []span) []span {
	if len(d.lists.Not) == 0 {
		return in
	}
	var out []span
	for _, s := range in {
		keep := true
		for _, p := range d.lists.Not {
			for i := max(0, s.start-len(p.parts)-8); i < s.end && keep; i++ {
				if end, ok := d.match(toks, i, p.parts, toks[i].sentence); ok && end > s.start {
					keep = false
				}
			}
		}
		if keep {
			out = append(out, s)
		}
	}
	return out
}

// inContext lowers a match for what surrounds it in its sentence, and
// says why.
func (d *Detector) inContext(toks []token, s span) (Tier, string) {
	l := d.lists
	sent := toks[s.start].sentence
	first := s.start
	for first > 0 && toks[first-1].sentence == sent {
		first--
	}
	last := s.end
	for last < len(toks) && toks[last].sentence == sent {
		last++
	}
	var why []string
	steps := 0
	// A quote: the words are not the writer's own.
	quoted := toks[s.start].quoted
	for _, t := range toks[first:last] {
		quoted = quoted || l.Quote[t.word]
	}
	if quoted {
		why, steps = append(why, "a quote"), steps+2
	}
	// Negation just before: "I would never …" (but not "I can't stop …").
	// A plan or a means denied ("I would never take all my pills") reads
	// low: seen, as every plan is, but not urgent.
	// A [filler] between the two does not hide the negation: "I would
	// never do anything to hurt myself".
	from := s.start
	for _, p := range l.Filler {
		for i := first; i < from; i++ {
			if end, ok := d.match(toks, i, p.parts, sent); ok && end == s.start {
				from = i
			}
		}
	}
	for i := max(first, from-3); i < s.start; i++ {
		if l.Negation[toks[i].word] && !(i+1 < len(toks) && toks[i+1].word == "stop") {
			why, steps = append(why, "negation"), steps+1
			if s.listed == High {
				steps++
			}
			break
		}
	}
	// A denial after it: "killing myself isn't something I'd ever do". It
	// lowers by one step only, a plan too: a plan told and then denied
	// ("the pills are ready, but I won't do anything") still reads urgent.
	if d.deniedAfter(toks, s.end, last) {
		why, steps = append(why, "negation"), steps+1
	}
	// Someone else's plan or means ("my flatmate took an overdose") is not
	// the writer's: it reads low, seen but not urgent; a wish, one lower.
	if d.aboutOther(toks, s.start) {
		why, steps = append(why, "someone else"), steps+1
		if s.listed == High {
			steps++
		}
	}
	// Long ago, in the same sentence (does not lower past attempts), unless
	// a word of now stands between the two ("when I was sixteen I took an
	// overdose, tonight I take all my pills"). Many years back, a plan or a
	// means is a past attempt ("when I was sixteen I took an overdose"): it
	// reads low, unless the sentence names a time of now anywhere.
	if s.listed > Low {
		longAgo := d.pastMarks(l.LongAgo, toks, s, first, last)
		switch {
		case longAgo && s.listed == High && !d.nowIn(toks[first:last]):
			why, steps = append(why, "long ago"), steps+2
		case longAgo || d.pastMarks(l.Past, toks, s, first, last):
			why, steps = append(why, "long ago"), steps+1
		}
	}
	// A figure of speech over the phrase: "this exam is killing me".
	for _, p := range l.Figurative {
		done := false
		for i := first; i < last && !done; i++ {
			if end, ok := d.match(toks, i, p.parts, sent); ok && i < s.end && end > s.start {
				why, steps, done = append(why, "figure of speech"), steps+1, true
			}
		}
		if done {
			break
		}
	}
	t := s.listed - Tier(steps)
	floor := None
	if s.listed == High {
		floor = Low // a plan or a means is always seen
	}
	if t < floor {
		t = floor
	}
	return t, strings.Join(why, ", ")
}

// deniedAfter reports whether the words from end to last (the end of the
// sentence) deny the phrase before them: a [deny after] phrase right after
// it, or a [deny later] phrase anywhere after it.
func (d *Detector) deniedAfter(toks []token, end, last int) bool {
	if end >= last {
		return false
	}
	sent := toks[end].sentence
	for _, p := range d.lists.DenyAfter {
		if _, ok := d.match(toks, end, p.parts, sent); ok {
			return true
		}
	}
	for _, p := range d.lists.DenyLater {
		for i := end; i < last; i++ {
			if _, ok := d.match(toks, i, p.parts, sent); ok {
				return true
			}
		}
	}
	return false
}

// aboutOther reports whether the words from start are about someone else:
// a person named before them in their sentence, with no "I" between ("my
// friend said she wants to die"; "I told my friend I want to die" is the
// writer's own).
func (d *Detector) aboutOther(toks []token, start int) bool {
	for i := start - 1; i >= 0 && toks[i].sentence == toks[start].sentence; i-- {
		w := toks[i].word
		if w == "i" || w == "im" || w == "ive" || w == "id" || w == "ill" || w == "me" {
			return false
		}
		if d.lists.Other[w] && !object(toks, i) {
			return true
		}
	}
	return false
}

// determiners begin the thing given after a person given it ("wrote my
// mum a letter").
var determiners = map[string]bool{"a": true, "an": true, "the": true, "my": true, "our": true, "some": true, "all": true, "this": true}

// object reports whether the person at word i is one the writer does
// something to or for, not the one who speaks or acts: given a thing ("I
// wrote my mum a letter", "gave my neighbour my keys"), or after to, for or
// with ("left the dog with my brother").
func object(toks []token, i int) bool {
	sent := toks[i].sentence
	if i+1 < len(toks) && toks[i+1].sentence == sent {
		switch next := toks[i+1].word; {
		case next == "who" || next == "whos" || next == "that":
			return false // the one who acts next: "for my friend who took an overdose"
		case determiners[next]:
			return true
		}
	}
	for j := i - 1; j >= 0 && j >= i-2 && toks[j].sentence == sent; j-- {
		switch toks[j].word {
		case "to", "for", "with":
			return true
		}
	}
	return false
}

// pastMarks reports whether one of the phrases (of [past] or [long ago])
// matches in the sentence toks[first:last] with no word of now between it
// and the match s, or in s.
func (d *Detector) pastMarks(ps []Phrase, toks []token, s span, first, last int) bool {
	for _, p := range ps {
		for i := first; i < last; i++ {
			end, ok := d.match(toks, i, p.parts, toks[first].sentence)
			if ok && !d.nowIn(toks[min(end, s.start):max(i, s.end)]) {
				return true
			}
		}
	}
	return false
}

// nowIn reports whether a word of the class "now" ("tonight", "today")
// is among toks.
func (d *Detector) nowIn(toks []token) bool {
	now := d.lists.Classes["now"]
	for _, t := range toks {
		if now[t.word] {
			return true
		}
	}
	return false
}

func words(toks []token) string {
	w := make([]string, len(toks))
	for i, t := range toks {
		w[i] = t.word
	}
	return strings.Join(w, " ")
}

// passageWords is a scored passage as advisors see it in the inbox: up to
// three sentences, cut after its first 30 words.
func passageWords(toks []token) string {
	if len(toks) > 30 {
		return words(toks[:30]) + " …"
	}
	return words(toks)
}

// Touches reports whether a text is about suicide or self-harm at all (a
// risk phrase, or a word of the subject): a story that does gets a
// content note.
func (d *Detector) Touches(text string) bool {
	toks := d.lists.replace(tokenize(text))
	var buf []entry
	for i := range toks {
		buf = d.topic.at(toks[i].word, buf)
		for _, c := range buf {
			if _, ok := d.match(toks, i, c.p.parts, toks[i].sentence); ok {
				return true
			}
		}
	}
	// The Risk scorer is left out: a story's letter and reply are long
	// and sad throughout, and a note on every sad story would hide the
	// excerpts of stories that never touch the subject.
	return d.detect(toks, false).Tier >= Low
}

// firstPerson are the words of a passage written about oneself.
var firstPerson = map[string]bool{"i": true, "me": true, "my": true, "myself": true, "mine": true}

// combine reads the text for kinds of words that, together in a passage
// (a sentence and the ones next to it) written in the first person, make a
// plan: a goodbye with a means, a plan or a time ("I have finished my
// letters to everyone and tonight is when I go"); or a means with a plan
// and a time ("my plan is to go to the bridge after my shift"). Phrases
// find the wording a list foresaw; combinations find new wording of the
// same things. A quote lowers a combination like a phrase.
func (d *Detector) combine(toks []token, covered map[int]bool) (Match, bool) {
	if len(d.lists.Concepts) == 0 || len(toks) == 0 {
		return Match{}, false
	}
	hits := map[string][]hit{}
	var buf []entry
	for name, x := range d.concepts {
		for i := range toks {
			buf = x.at(toks[i].word, buf)
			for _, c := range buf {
				if end, ok := d.match(toks, i, c.p.parts, toks[i].sentence); ok {
					hits[name] = append(hits[name], hit{toks[i].sentence, i, end})
				}
			}
		}
	}
	hits["finality"] = d.notWished(toks, hits["finality"])
	// A goodbye or a means in someone else's words is theirs ("my husband
	// said goodbye to his colleagues"); times and plans keep their people
	// ("while she is on holiday").
	for _, name := range []string{"finality", "means"} {
		hits[name] = slices.DeleteFunc(hits[name], func(h hit) bool { return d.aboutOther(toks, h.start) })
	}
	if len(hits["means"])+len(hits["finality"]) == 0 {
		return Match{}, false
	}
	// The words a [not] phrase covers count for nothing ("goodbye for now").
	last := toks[len(toks)-1].sentence
	for s := 0; s <= last; s++ {
		in := func(name string) []hit {
			var out []hit
			for _, h := range hits[name] {
				if h.sentence >= s-1 && h.sentence <= s+1 && !covered[h.start] {
					out = append(out, h)
				}
			}
			return out
		}
		means, final, plan, when := in("means"), in("finality"), in("plan"), in("time")
		var fired []hit
		switch {
		case len(final) > 0 && (len(means) > 0 || len(plan) > 0 || len(when) > 0):
			fired = append(append(append(append(fired, final...), means...), plan...), when...)
		case distinct(toks, final) >= 2:
			// Two kinds of farewell in one passage ("goodbye. I'm sorry
			// mum. I love you.") say it without a means or a time.
			fired = append(fired, final...)
		case len(means) > 0 && len(plan) > 0 && len(when) > 0:
			fired = append(append(append(fired, means...), plan...), when...)
		default:
			continue
		}
		self, quoted := false, false
		for _, t := range toks {
			if t.sentence >= s-1 && t.sentence <= s+1 {
				self = self || firstPerson[t.word]
				quoted = quoted || t.quoted || d.lists.Quote[t.word]
			}
		}
		if !self {
			continue
		}
		var words []string
		for _, h := range fired {
			words = append(words, joinWords(toks[h.start:h.end]))
		}
		m := Match{Phrase: "a passage with " + strings.Join(kindsOf(len(final), len(means), len(plan), len(when)), ", "), Words: strings.Join(words, " … "),
			Listed: High, Tier: High}
		if quoted {
			m.Tier, m.Context = Low, "a quote"
		}
		return m, true
	}
	return Match{}, false
}

// notWished drops the goodbyes that are hoped for, not planned: a word of
// the class "wish" just before, or before "i" ("I go to bed hoping I won't
// be here in the morning" is a passive wish, low, not a plan).
func (d *Detector) notWished(toks []token, final []hit) []hit {
	wish := d.lists.Classes["wish"]
	if len(wish) == 0 {
		return final
	}
	out := final[:0]
	for _, h := range final {
		i := h.start - 1
		if i >= 0 && toks[i].word == "i" {
			i--
		}
		if i >= 0 && wish[toks[i].word] && toks[i].sentence == toks[h.start].sentence {
			continue
		}
		out = append(out, h)
	}
	return out
}

// notCovered marks the words that a [not] phrase covers.
func (d *Detector) notCovered(toks []token) map[int]bool {
	covered := map[int]bool{}
	var buf []entry
	for i := range toks {
		buf = d.not.at(toks[i].word, buf)
		for _, c := range buf {
			if end, ok := d.match(toks, i, c.p.parts, toks[i].sentence); ok {
				for j := i; j < end; j++ {
					covered[j] = true
				}
			}
		}
	}
	return covered
}

// modelWords are the words the model reads: those a [not] phrase covers
// are left out, as they count for nothing in the lists ("I'm going to end
// it with my boyfriend tonight" is read without "end it with").
func (d *Detector) modelWords(toks []token) []token { return uncovered(toks, d.notCovered(toks)) }

// uncovered returns toks without the covered ones.
func uncovered(toks []token, covered map[int]bool) []token {
	if len(covered) == 0 {
		return toks
	}
	out := make([]token, 0, len(toks)-len(covered))
	for i, t := range toks {
		if !covered[i] {
			out = append(out, t)
		}
	}
	return out
}

// distinct counts the different wordings among hits that do not overlap.
func distinct(toks []token, hs []hit) int {
	seen := map[string]bool{}
	end := -1
	for _, h := range hs {
		if h.start < end {
			continue
		}
		seen[joinWords(toks[h.start:h.end])] = true
		end = h.end
	}
	return len(seen)
}

// hit is where a concept's phrase matched.
type hit struct {
	sentence   int
	start, end int
}

func kindsOf(final, means, plan, when int) []string {
	var out []string
	for _, k := range []struct {
		name string
		n    int
	}{{"a goodbye", final}, {"a means", means}, {"a plan", plan}, {"a time", when}} {
		if k.n > 0 {
			out = append(out, k.name)
		}
	}
	return out
}

func joinWords(toks []token) string { return words(toks) }
