package crisis

import (
	"reflect"
	"strings"
	"testing"
)

func TestNormalise(t *testing.T) {
	for in, want := range map[string]string{
		"I DON'T want to DIE":      "i dont want to die",
		"su1c1de":                  "suicide",
		"k!ll myself":              "kill myself",
		"i want to k i l l myself": "i want to kill myself",
		"s.u.i.c.i.d.e":            "suicide",
		"Ｉ want to ｄｉｅ":            "i want to die",
		"Désolée, I’m tired":       "desolee im tired",
		"I took 20mg":              "i took 20mg",
		"I have a plan and a date": "i have a plan and a date",
	} {
		if got := strings.Join(Words(in), " "); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

func TestDetect(t *testing.T) {
	checkDetect(t, English(), []detectCase{
		{"Tonight is the night.", High, ""},
		{"I took 30 tablets", High, ""},
		{"I took 2 tablets for my headache", None, ""},
		{"i kms tonight", High, ""},
		{"i want to unalive myself", Medium, ""},
		{"I want to dieeeee", Medium, ""},
		{"I feel like a burden", Low, ""},
		{"Honestly, what's the point of me.", Low, ""}, // no phrase: the model's Risk scorer reads a passive wish
		{"I'm so lonely since the divorce.", None, ""}, // sad, no risk
		{"I attempted suicide years ago", Low, ""},     // past attempts stay low
		{"I would never kill myself", Low, "negation"},
		{"I can't stop hurting myself", Medium, ""},
		{"My sister said she wants to kill herself", None, ""},
		{"My friend keeps saying suicide is the answer", Low, "someone else"},
		{"My flatmate took an overdose last month", Low, "someone else"},                 // someone else's means: seen, not urgent
		{"I used to cut myself", Low, ""},                                                // "used to cut": a past act, listed low
		{"When I was sixteen I took an overdose", Low, "long ago"},                       // many years back: a past attempt
		{"Last year I took an overdose", Medium, "long ago"},                             // a while ago: lowered once
		{"When I was sixteen I took an overdose, tonight I take all my pills", High, ""}, // tonight stands between: the plan is of now
		{`The song goes "I want to die in your arms"`, None, ""},
		{`The lyrics "tonight is the night" are stuck in my head`, Low, "a quote"}, // a plan is never cleared
		{"I would never take all my pills", Low, "negation"},                       // a plan denied: seen, not urgent
		{"This exam is killing me", None, ""},
		{"I want to die. Just kidding, this exam is killing me.", Medium, ""}, // context stays in its sentence
		{"", None, ""},
	})
}

type detectCase struct {
	text    string
	tier    Tier
	context string // of the strongest match
}

// checkDetect reads each case's text with d and checks its tier and the
// context of its strongest match.
func checkDetect(t *testing.T, d *Detector, cases []detectCase) {
	t.Helper()
	for _, c := range cases {
		r := d.Detect(c.text)
		if r.Tier != c.tier {
			t.Errorf("%q: %s %v, want %s", c.text, r.Tier, r.Why(), c.tier)
			continue
		}
		if len(r.Matches) > 0 && r.Matches[0].Context != c.context {
			t.Errorf("%q: context %q, want %q", c.text, r.Matches[0].Context, c.context)
		}
	}
}

// TestContextOnTheLists checks context rules on the lists alone, where the
// model cannot hide a rule's mistake.
func TestContextOnTheLists(t *testing.T) {
	checkDetect(t, English().WithModel(nil), []detectCase{
		// The person given a letter is not the one who says goodbye.
		{"I wrote my mum a letter and left it on the seat. I'm parked at the overlook.", High, ""},
		{"My mum wrote a letter and left it on the seat at the overlook.", None, ""},
		{"Please pray for my friend who took an overdose last night.", Low, "someone else"},
		{"I went to the hospital with my mum who took an overdose.", Low, "someone else"},
		// A word or two in quotation marks is a word the writer names; a
		// song named so is still a song.
		{`I wrote "sorry" on a piece of paper and left it on my pillow. Heading to the bridge now.`, High, ""},
		{`I played the song "Goodbye" tonight, I said goodbye to everyone.`, Low, "a quote"},
		// A filler does not hide a denial.
		{"I'd never do anything to hurt myself, my kids need me.", Low, "negation"},
		{"I'd do anything to hurt myself right now.", High, ""},
		// A denial right after the phrase.
		{"Killing myself isn't something I'd ever do, but I need to talk.", Low, "negation"},
		{"Killing myself is something I think about every day.", Medium, ""},
		{"I'd rather be dead than feel like this, but I won't do anything.", Low, "negation"},
		{"I want to die, not that I'd ever do anything.", Low, "negation"},
		{"I have the pills ready, but I won't do anything.", Medium, "negation"},
	})
}

func TestWhy(t *testing.T) {
	r := English().Detect("I want to die. I have 40 paracetamol in the drawer.")
	want := []string{"“have 40 paracetamol” (high)", "“want to die” (medium)"}
	if !reflect.DeepEqual(r.Why(), want) {
		t.Errorf("%q", r.Why())
	}
}

func TestParseErrors(t *testing.T) {
	for _, bad := range []string{
		"[high]\n~2 pills\n",
		"[high]\npills ~2\n",
		"[high]\n@nosuchclass pills\n",
		"[replace]\nno equals sign\n",
		"stray line\n",
		"[high]\ntook <nX> pills\n",
	} {
		if _, err := Parse(strings.NewReader(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestTouches(t *testing.T) {
	d := English()
	for text, want := range map[string]bool{
		"My brother took his own life two years ago.": true,
		"I thought about suicide for a long time.":    true,
		"I feel like a burden.":                       true,
		"We argue about money every week.":            false,
		"This exam is killing me.":                    false,
	} {
		if got := d.Touches(text); got != want {
			t.Errorf("%q: %v", text, got)
		}
	}
}
