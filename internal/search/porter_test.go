package search

import "testing"

// The examples of Porter's 1980 paper, step by step, and words readers type.
func TestStem(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// step 1a
		{"caresses", "caress"}, {"ponies", "poni"}, {"ties", "ti"}, {"caress", "caress"}, {"cats", "cat"},
		// step 1b
		{"feed", "feed"}, {"agreed", "agre"}, {"plastered", "plaster"}, {"bled", "bled"}, {"motoring", "motor"},
		{"sing", "sing"}, {"conflated", "conflat"}, {"troubled", "troubl"}, {"sized", "size"}, {"hopping", "hop"},
		{"tanned", "tan"}, {"falling", "fall"}, {"hissing", "hiss"}, {"fizzed", "fizz"}, {"failing", "fail"},
		{"filing", "file"},
		// step 1c
		{"happy", "happi"}, {"sky", "sky"},
		// step 2
		{"relational", "relat"}, {"conditional", "condit"}, {"rational", "ration"}, {"valenci", "valenc"},
		{"hesitanci", "hesit"}, {"digitizer", "digit"}, {"radicalli", "radic"}, {"differentli", "differ"},
		{"vileli", "vile"}, {"analogousli", "analog"}, {"vietnamization", "vietnam"}, {"predication", "predic"},
		{"operator", "oper"}, {"feudalism", "feudal"}, {"decisiveness", "decis"}, {"hopefulness", "hope"},
		{"callousness", "callous"}, {"formaliti", "formal"}, {"sensitiviti", "sensit"}, {"sensibiliti", "sensibl"},
		// step 3
		{"triplicate", "triplic"}, {"formative", "form"}, {"formalize", "formal"}, {"electriciti", "electr"},
		{"electrical", "electr"}, {"hopeful", "hope"}, {"goodness", "good"},
		// step 4
		{"revival", "reviv"}, {"allowance", "allow"}, {"inference", "infer"}, {"airliner", "airlin"},
		{"gyroscopic", "gyroscop"}, {"adjustable", "adjust"}, {"defensible", "defens"}, {"irritant", "irrit"},
		{"replacement", "replac"}, {"adjustment", "adjust"}, {"dependent", "depend"}, {"adoption", "adopt"},
		{"homologou", "homolog"}, {"communism", "commun"}, {"activate", "activ"}, {"angulariti", "angular"},
		{"homologous", "homolog"}, {"effective", "effect"}, {"bowdlerize", "bowdler"},
		// step 5
		{"probate", "probat"}, {"rate", "rate"}, {"cease", "ceas"}, {"controll", "control"}, {"roll", "roll"},
		// what readers type before a star
		{"hus", "hu"}, {"pas", "pa"}, {"trus", "tru"}, {"wor", "wor"}, {"tru", "tru"}, {"lonel", "lonel"},
		{"lonely", "lone"}, {"feeling", "feel"}, {"husband", "husband"}, {"fami", "fami"}, {"mothe", "moth"},
		{"trust", "trust"}, {"feel", "feel"},
		// left alone
		{"ab", "ab"}, {"été", "été"}, {"covid19", "covid19"}, {"", ""},
	} {
		if got := Stem(tc.in); got != tc.want {
			t.Errorf("Stem(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestUnranked(t *testing.T) {
	for q, want := range map[string]bool{
		"lonely":                       false,
		"lonely after divorce":         false,
		"lonely -work":                 false,
		"trus*":                        true,
		"lonely trus*":                 true,
		`"feel alone"`:                 true,
		"lonely tired angry sad":       true,
		"lonely tired angry -sad":      false,
		"the lonely and the tired man": false, // stop words do not count
	} {
		if got := Parse(q).Unranked(); got != want {
			t.Errorf("%q: Unranked() = %v, want %v", q, got, want)
		}
	}
}
