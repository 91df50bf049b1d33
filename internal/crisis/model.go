package crisis

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Model is the detector's second reader: three logistic regressions over a
// passage's words, word pairs and the lists' classes of words, trained on
// the labelled sets (see train.go and model_test.go). The phrase lists
// find what they were written for and explain it; they miss new wording
// ("the rope is in my bag and i know which tree"), which the model, having
// learnt that a means, a place and a time together are urgent, reads.
// Urgent tells medium and high from the rest; High tells high (a plan, a
// means, a time, a farewell) from the rest, and counts only where Urgent
// agrees. Risk tells any risk (low, medium or high) from none: it raises
// a text with no risk phrase to low (a passive wish in new words,
// "honestly, what's the point of me"), so that its writer is shown
// the helplines too. The model raises a tier, never lowers one.
type Model struct {
	Urgent, High, Risk Scorer

	all map[string][3]float64 // the scorers' weights, one lookup a feature
}

// prepare joins the scorers' weights for Score.
func (m *Model) prepare() *Model {
	m.all = make(map[string][3]float64, len(m.Urgent.Weights))
	for i, s := range m.scorers() {
		for k, v := range s.Weights {
			w := m.all[k]
			w[i] = v
			m.all[k] = w
		}
	}
	return m
}

// scorers are the model's scorers in the order of the file's columns.
func (m *Model) scorers() [3]*Scorer { return [3]*Scorer{&m.Urgent, &m.High, &m.Risk} }

// Scorer is one logistic regression.
type Scorer struct {
	Bias      float64
	Threshold float64 // the probability from which a passage reads so
	Weights   map[string]float64
}

// passageSentences is the widest passage the model reads at once: the
// labelled texts it learns from are one to three sentences long, and a
// long letter is read as every run of up to three of its sentences, so
// that its length alone (many ordinary words) never adds up to risk.
const passageSentences = 3

// Scores are what the model makes of a text: for each scorer, the
// probability its most urgent passage gives (urgent, high, any risk), and
// that passage.
type Scores struct {
	Urgent, High, Risk       float64
	UrgentAt, HighAt, RiskAt []token
}

// Score reads every passage of a text. Each sentence's features are found
// once; a passage's are the union of its sentences' and the pairs of kinds
// they hold together, as features gives.
func (m *Model) Score(l *Lists, toks []token) Scores {
	sents := sentences(toks)
	feats := make([]sentenceFeatures, len(sents))
	for i, s := range sents {
		feats[i] = featuresOf(l, s)
	}
	// A sentence that quotes (a song, a film, words in quotation marks)
	// is not the writer's own: a passage that holds one is not read, as
	// the lists lower a quoted phrase (it once raised "the lyrics go 'I
	// want to die in your arms tonight'").
	quotes := make([]bool, len(sents))
	for i, s := range sents {
		for _, t := range s {
			quotes[i] = quotes[i] || t.quoted || l.Quote[t.word]
		}
	}
	bestU, bestH, bestR := math.Inf(-1), math.Inf(-1), math.Inf(-1)
	var sc Scores
	seen := map[string]bool{}
	var kinds []string
	for s := range sents {
		for n := 1; n <= passageSentences && s+n <= len(sents); n++ {
			if quotes[s+n-1] {
				break // and every longer passage from s holds it too
			}
			clear(seen)
			kinds = kinds[:0]
			zu, zh, zr := m.Urgent.Bias, m.High.Bias, m.Risk.Bias
			for _, sf := range feats[s : s+n] {
				for _, f := range sf.feats {
					if !seen[f] {
						seen[f] = true
						w := m.all[f]
						zu, zh, zr = zu+w[0], zh+w[1], zr+w[2]
					}
				}
				kinds = append(kinds, sf.kinds...)
			}
			for _, f := range kindPairs(kinds) {
				w := m.all[f]
				zu, zh, zr = zu+w[0], zh+w[1], zr+w[2]
			}
			end := len(toks)
			if s+n < len(sents) {
				end = sents[s+n][0].index
			}
			if zu > bestU {
				bestU, sc.UrgentAt = zu, toks[sents[s][0].index:end]
			}
			if zh > bestH {
				bestH, sc.HighAt = zh, toks[sents[s][0].index:end]
			}
			if zr > bestR {
				bestR, sc.RiskAt = zr, toks[sents[s][0].index:end]
			}
		}
	}
	if sc.UrgentAt != nil {
		sc.Urgent, sc.High, sc.Risk = sigmoid(bestU), sigmoid(bestH), sigmoid(bestR)
	}
	return sc
}

// logit is a scorer's log-odds for a passage's features.
func (c *Scorer) logit(feats []string) float64 {
	z := c.Bias
	for _, f := range feats {
		z += c.Weights[f]
	}
	return z
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// indexed is a token with its place in the text.
type indexed struct {
	token
	index int
}

// pieceWords is the most words the model reads as one sentence: a longer
// one (a letter written without full stops, a long run of news) is read as
// pieces of this many words, so that a plan at its end is not drowned by
// the everyday words before it. The labelled texts it learns from are as
// short.
const pieceWords = 24

// sentences splits a text's tokens into its sentences, and a long sentence
// into pieces.
func sentences(toks []token) [][]indexed {
	var out [][]indexed
	for i, t := range toks {
		if i == 0 || t.sentence != toks[i-1].sentence || len(out[len(out)-1]) == pieceWords {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], indexed{t, i})
	}
	return out
}

// passages returns every run of one to passageSentences sentences.
func passages(toks []token) [][]token {
	sents := sentences(toks)
	var out [][]token
	for s := range sents {
		for n := 1; n <= passageSentences && s+n <= len(sents); n++ {
			end := len(toks)
			if s+n < len(sents) {
				end = sents[s+n][0].index
			}
			out = append(out, toks[sents[s][0].index:end])
		}
	}
	return out
}

// sentenceFeatures are one sentence's features and the kinds of words (the
// lists' classes) it holds.
type sentenceFeatures struct {
	feats []string // each once
	kinds []string // each once, sorted
}

// features are a passage's words (stemmed) and the first five letters of
// the long ones ("stock" for "stockpiling" and "stockpiled" alike, a word
// misspelt at its end still counted), the pairs and threes of words
// next to each other in a sentence, each word's classes in the lists (a medicine,
// a place, a time: so that a medicine never seen in training still
// counts), pairs of a word with the class of the next one, and the pairs
// of kinds the passage holds, wherever they are in it (a means and a time,
// a place and a plan, a means and the writer's "I"). Each feature counts
// once.
func features(l *Lists, toks []token) []string {
	seen := map[string]bool{}
	var out, kinds []string
	for _, s := range sentences(toks) {
		sf := featuresOf(l, s)
		for _, f := range sf.feats {
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
		kinds = append(kinds, sf.kinds...)
	}
	return append(out, kindPairs(kinds)...)
}

// featuresOf finds one sentence's features but the pairs of kinds.
func featuresOf(l *Lists, toks []indexed) sentenceFeatures {
	var sf sentenceFeatures
	seen := map[string]bool{}
	add := func(f string) {
		if !seen[f] {
			seen[f] = true
			sf.feats = append(sf.feats, f)
		}
	}
	stems := make([]string, len(toks))
	classes := make([][]string, len(toks))
	for i, t := range toks {
		stems[i] = featureWord(t.word)
		classes[i] = classesOf(l, t.word)
	}
	for i := range toks {
		add("w:" + stems[i])
		if r := []rune(stems[i]); len(r) >= 6 {
			add("p:" + string(r[:5]))
		}
		for _, c := range classes[i] {
			add("c:" + c)
		}
		if i+1 < len(toks) {
			add("b:" + stems[i] + " " + stems[i+1])
			for _, c := range classes[i+1] {
				add("bc:" + stems[i] + " @" + c)
			}
			for _, c := range classes[i] {
				add("cb:@" + c + " " + stems[i+1])
			}
		}
	}
	for i, cs := range classes {
		sf.kinds = append(sf.kinds, cs...)
		if firstPerson[toks[i].word] {
			// The writer speaking of themself is a kind too: a means
			// with "I" or "my" is another thing than a means alone.
			sf.kinds = append(sf.kinds, "self")
		}
		if i+2 < len(toks) {
			add("t:" + stems[i] + " " + stems[i+1] + " " + stems[i+2])
		}
	}
	sort.Strings(sf.kinds)
	sf.kinds = slices.Compact(sf.kinds)
	return sf
}

// kindPairs are the "k:a+b" features of the kinds of words a passage
// holds (given with repeats, in any order).
func kindPairs(kinds []string) []string {
	ks := slices.Clone(kinds)
	sort.Strings(ks)
	ks = slices.Compact(ks)
	var out []string
	for a := range ks {
		for b := a + 1; b < len(ks); b++ {
			out = append(out, "k:"+ks[a]+"+"+ks[b])
		}
	}
	return out
}

// classesOf lists the classes a word belongs to, sorted.
func classesOf(l *Lists, w string) []string {
	cs := l.wordClasses[w]
	if hasRun3(w) {
		if more := l.wordClasses[squeeze(w)]; len(more) > 0 {
			cs = slices.Compact(slices.Sorted(slices.Values(append(slices.Clone(cs), more...))))
		}
	}
	return cs
}

// featureWord is a word as the model sees it: numbers by their size, the
// rest with common endings taken off ("pills" and "pill", "taking" and
// "take" alike), repeated letters squeezed.
func featureWord(w string) string {
	if n, err := strconv.Atoi(w); err == nil {
		if n >= 10 {
			return "<n10>"
		}
		return "<n>"
	}
	if hasRun3(w) {
		w = squeeze(w)
	}
	for _, suf := range []string{"ing", "ed", "es", "s", "ly"} {
		if len(w) > len(suf)+2 && strings.HasSuffix(w, suf) && !strings.HasSuffix(w, "ss") {
			return strings.TrimSuffix(w, suf)
		}
	}
	return w
}

// ReadModel reads a model in the format WriteTo writes.
func ReadModel(r io.Reader) (*Model, error) {
	m := &Model{}
	ss := m.scorers()
	for _, s := range ss {
		s.Weights = map[string]float64{}
	}
	sc := bufio.NewScanner(r)
	lineNo := 0
	for sc.Scan() {
		lineNo++
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 1+len(ss) {
			return nil, fmt.Errorf("crisis: model, line %d: want a key and %d weights: %q", lineNo, len(ss), line)
		}
		var v [3]float64
		for i, c := range cols[1:] {
			f, err := strconv.ParseFloat(c, 64)
			if err != nil {
				return nil, fmt.Errorf("crisis: model, line %d: %w", lineNo, err)
			}
			v[i] = f
		}
		for i, s := range ss {
			switch cols[0] {
			case "=bias":
				s.Bias = v[i]
			case "=threshold":
				s.Threshold = v[i]
			default:
				if v[i] != 0 {
					s.Weights[cols[0]] = v[i]
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("crisis: model: %w", err)
	}
	for _, s := range ss {
		if s.Threshold <= 0 || s.Threshold >= 1 {
			return nil, fmt.Errorf("crisis: model: threshold %v is not a probability", s.Threshold)
		}
	}
	return m.prepare(), nil
}

// WriteTo writes the model: a header, the scorers' biases and thresholds,
// then one feature a line with its weights for Urgent, High and Risk,
// sorted, so that a retrained model's changes read as a diff.
func (m *Model) WriteTo(w io.Writer, header string) error {
	bw := bufio.NewWriter(w)
	for _, line := range strings.Split(strings.TrimSpace(header), "\n") {
		fmt.Fprintf(bw, "# %s\n", line)
	}
	ss := m.scorers()
	row := func(key string, v func(*Scorer) float64) {
		cols := []string{key}
		for _, s := range ss {
			cols = append(cols, fmtWeight(v(s)))
		}
		fmt.Fprintln(bw, strings.Join(cols, "\t")) // a write error stays in bw for Flush
	}
	row("=bias", func(s *Scorer) float64 { return s.Bias })
	row("=threshold", func(s *Scorer) float64 { return s.Threshold })
	keys := make([]string, 0, len(m.all))
	for k := range m.all {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		row(k, func(s *Scorer) float64 { return s.Weights[k] })
	}
	return bw.Flush()
}

func fmtWeight(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) }
