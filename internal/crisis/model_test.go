package crisis

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateModel = flag.Bool("update-model", false, "train the model on the labelled sets and write lists/en.model")

// trainingSets are the labelled sets the model learns from; the ninth to
// fortieth were each measured held out before they joined them (see their
// headers).
var trainingSets = []string{"second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth", "twentyfirst", "twentysecond", "twentythird", "twentyfourth", "twentyfifth", "twentysixth", "twentyseventh", "twentyeighth", "twentyninth", "thirtieth", "thirtyfirst", "thirtysecond", "thirtythird", "thirtyfourth", "thirtyfifth", "thirtysixth", "thirtyseventh", "thirtyeighth", "thirtyninth", "fortieth"}

type setText struct {
	set string
	labelled
}

func readSets(t *testing.T, names []string) []setText {
	t.Helper()
	var out []setText
	for _, c := range readLabelled(t, "testdata/labelled.tsv") {
		out = append(out, setText{"first", c})
	}
	for _, n := range names {
		for _, c := range readLabelled(t, "testdata/"+n+".tsv") {
			out = append(out, setText{n, c})
		}
	}
	return out
}

// demoPassages are the passages of the demo's twelve long letters and their
// replies (everyday sorrow, a warm answer that names helplines), taught to
// the model as texts without risk: the labelled sets' negatives are short,
// and a long letter offers many passages to read as urgent by chance.
func demoPassages(t *testing.T, l *Lists) []string {
	t.Helper()
	files, err := filepath.Glob("../demo/content/stories/*.txt")
	if err != nil || len(files) < 10 {
		t.Fatalf("demo letters: %v (%d)", err, len(files))
	}
	var out []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range passages(l.replace(tokenize(string(b)))) {
			out = append(out, words(p))
		}
	}
	return out
}

// demoWeight is how much the demo's passages count together, against the
// labelled texts without urgency.
const demoWeight = 0.3

// examples makes training examples of the labelled texts but those of the
// set left out ("" leaves none out).
func examples(sets []setText, demo []string, leaveOut string) []Example {
	var ex []Example
	calm := 0
	for _, c := range sets {
		if c.set == leaveOut {
			continue
		}
		ex = append(ex, Example{Text: c.text, Tier: c.tier})
		if c.tier < Medium {
			calm++
		}
	}
	for _, s := range demo {
		ex = append(ex, Example{Text: s, Weight: demoWeight * float64(calm) / float64(len(demo))})
	}
	return ex
}

const modelHeader = `Confide's scored model for the English crisis detector (see model.go).
Written by training, never by hand: go test ./internal/crisis -run TestModelFile -update-model
trains it on testdata/labelled.tsv, the later sets listed in model_test.go
and the demo's letters as texts without risk. Columns: feature, weight.`

// TestModelFile: the shipped model is what training on the committed sets
// gives, so it can be made again and nothing in it was written by hand.
func TestModelFile(t *testing.T) {
	l, err := Load("en")
	if err != nil {
		t.Fatal(err)
	}
	m := Train(l, examples(readSets(t, trainingSets), demoPassages(t, l), ""), DefaultTraining)
	var buf bytes.Buffer
	if err := m.WriteTo(&buf, modelHeader); err != nil {
		t.Fatal(err)
	}
	if *updateModel {
		if err := os.WriteFile("lists/en.model", buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	shipped, err := os.ReadFile("lists/en.model")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(shipped, buf.Bytes()) {
		t.Fatalf("lists/en.model is not what training gives now (%d bytes, trained %d): run go test ./internal/crisis -run TestModelFile -update-model", len(shipped), buf.Len())
	}
	back, err := ReadModel(bytes.NewReader(shipped))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range [][2]Scorer{{back.Urgent, m.Urgent}, {back.High, m.High}, {back.Risk, m.Risk}} {
		if s[0].Threshold != s[1].Threshold || s[0].Bias != s[1].Bias || len(s[0].Weights) != len(s[1].Weights) {
			t.Fatalf("read back: threshold %v bias %v %d weights, trained %v %v %d", s[0].Threshold, s[0].Bias, len(s[0].Weights), s[1].Threshold, s[1].Bias, len(s[1].Weights))
		}
		for k, v := range s[1].Weights {
			if s[0].Weights[k] != v {
				t.Fatalf("read back: %q weighs %v, trained %v", k, s[0].Weights[k], v)
			}
		}
	}
	t.Logf("%d urgent, %d high and %d risk features, %d bytes", len(m.Urgent.Weights), len(m.High.Weights), len(m.Risk.Weights), len(shipped))
}

// TestModelCrossValidated measures the model alone on text it has not
// learnt from: each labelled set left out in turn, the model trained on
// the others. This is how DefaultTraining was chosen: L2 0.0001 with the
// first five letters of long words as features found 1.5 to 2 points more
// urgent texts than L2 0.0003 without them, at every rate of false alarms
// from 0.03 to 0.06 (swept on twenty-one sets), and each scorer's
// threshold 0.7 keeps false alarms near 0.03. On forty sets: recall
// 0.912, false alarms 0.017, 654 of 780 high texts read as high and no
// medium one; Risk reads 370 of 425 low texts as low or more and 17 of
// 1545 texts without risk as low (the figures of earlier rounds are in the
// commit messages). The [not] lists were written from every set's false
// alarms, so the model's reading without the words they cover is a little
// kinder here than on new text. It fails if a change to the features or
// the training makes it worse.
func TestModelCrossValidated(t *testing.T) {
	if testing.Short() {
		t.Skip("trains the model ten times")
	}
	l, err := Load("en")
	if err != nil {
		t.Fatal(err)
	}
	reader := New(l) // leaves out the words Detect leaves out for the model
	sets := readSets(t, trainingSets)
	demo := demoPassages(t, l)
	var urgent, found, calm, alarms, high, highFound, medium, mediumHigh, low, lowFound, calmLow int
	for _, fold := range append([]string{"first"}, trainingSets...) {
		m := Train(l, examples(sets, demo, fold), DefaultTraining)
		for _, c := range sets {
			if c.set != fold {
				continue
			}
			sc := m.Score(l, reader.modelWords(l.replace(tokenize(c.text))))
			u := sc.Urgent >= m.Urgent.Threshold
			h := u && sc.High >= m.High.Threshold
			r := u || sc.Risk >= m.Risk.Threshold
			switch c.tier {
			case High:
				high++
				if h {
					highFound++
				}
			case Medium:
				medium++
				if h {
					mediumHigh++
				}
			case Low:
				low++
				if r {
					lowFound++
				}
			case None:
				calm++
				if u {
					alarms++
				} else if r {
					calmLow++
				}
			}
			if c.tier >= Medium {
				urgent++
				if u {
					found++
				}
			}
		}
	}
	recall, fa := float64(found)/float64(urgent), float64(alarms)/float64(calm)
	t.Logf("model alone, each set left out: recall of high and medium %.3f (%d/%d), false alarms %.3f (%d/%d); high read as high %d/%d, medium as high %d/%d; low read as low or more %d/%d, texts without risk read as low %d/%d",
		recall, found, urgent, fa, alarms, calm, highFound, high, mediumHigh, medium, lowFound, low, calmLow, calm)
	if recall < 0.86 || fa > 0.04 {
		t.Errorf("cross-validated recall %.3f (want at least 0.86), false alarms %.3f (want at most 0.04)", recall, fa)
	}
	// Risk: a passive wish in new words is read, and a sad or ordinary
	// text is seldom given the helplines it does not need.
	if lr, cl := float64(lowFound)/float64(low), float64(calmLow)/float64(calm); lr < 0.8 || cl > 0.03 {
		t.Errorf("cross-validated: %.3f of low texts read as low or more (want at least 0.8), %.3f of texts without risk read as low (want at most 0.03)", lr, cl)
	}
	if hr := float64(highFound) / float64(high); hr < 0.75 || mediumHigh > medium/20 {
		t.Errorf("cross-validated: %.3f of high texts read as high (want at least 0.75), %d of %d medium ones (want at most 5%%)", hr, mediumHigh, medium)
	}
}

// Score finds each sentence's features once and adds them up per passage;
// that must be what each scorer gives each passage read on its own, as it
// was trained.
func TestScoreIsTheBestPassage(t *testing.T) {
	d := English()
	l, m := d.lists, d.model
	files, err := filepath.Glob("../demo/content/stories/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("demo letters: %v", err)
	}
	texts := []string{"", "one", "I have the pills. It is time. Goodbye everyone. I am sorry.", "the rope is in my bag and i found a strong branch. going after work",
		`I have the pills. The song says "it is time". Goodbye everyone.`}
	for _, f := range files[:3] {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(b))
	}
	for _, text := range texts {
		toks := l.replace(tokenize(text))
		sc := m.Score(l, toks)
		for _, c := range []struct {
			name  string
			s     *Scorer
			got   float64
			gotAt []token
		}{{"urgent", &m.Urgent, sc.Urgent, sc.UrgentAt}, {"high", &m.High, sc.High, sc.HighAt}, {"risk", &m.Risk, sc.Risk, sc.RiskAt}} {
			want, wantAt := 0.0, ""
		passage:
			for _, p := range passages(toks) {
				for _, t := range p {
					if t.quoted || l.Quote[t.word] {
						continue passage
					}
				}
				if s := sigmoid(c.s.logit(features(l, p))); s > want {
					want, wantAt = s, words(p)
				}
			}
			if diff := c.got - want; diff > 1e-9 || diff < -1e-9 || words(c.gotAt) != wantAt {
				t.Errorf("%s, %.40q: Score %.6f at %q, passages read alone give %.6f at %q", c.name, text, c.got, words(c.gotAt), want, wantAt)
			}
		}
	}
}

// What the model read is shown to advisors with its score, a long passage
// cut short; a plan at the end of one long sentence of everyday news is
// read (a long sentence is read in pieces).
func TestScoredMatchIsExplained(t *testing.T) {
	d := English()
	r := d.Detect("the rope is in my bag and i found a strong branch. going after work")
	if r.Tier < Medium || len(r.Matches) == 0 || r.Matches[0].Score < d.model.Urgent.Threshold {
		t.Fatalf("new wording of a plan: %v %v", r.Tier, r.Why())
	}
	if why := strings.Join(r.Why(), " "); !strings.Contains(why, "scored 0.") && !strings.Contains(why, "scored 1.") {
		t.Errorf("Why: %q", why)
	}
	long := "I sat at my desk all afternoon looking at the same spreadsheet for hours while the others talked about the weekend, " +
		"and all the time the rope was in my bag and I had found a strong branch, and I am going there after work."
	r = d.Detect(long)
	if r.Tier < Medium {
		t.Fatalf("the same plan after a long sentence: %v", r.Tier)
	}
	for _, m := range r.Matches {
		if m.Score > 0 && (len(strings.Fields(m.Words)) > 31 || !strings.Contains(m.Words, "rope")) {
			t.Errorf("the passage shown: %q", m.Words)
		}
	}
	if r := d.Detect("I walked the dog by the river after work and we saw a heron."); r.Tier != None {
		t.Errorf("an ordinary walk: %v %v", r.Tier, r.Why())
	}
}
