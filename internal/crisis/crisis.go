// Package crisis reads a text for signs that its writer may be at risk of
// suicide or self-harm, and says how urgent it looks: a tier and the
// phrases behind it. It matches phrases, not single words, in text
// normalised first (case, accents, repeated letters, spaced letters,
// digits for letters, evasive spellings), and lets context lower a match:
// negation, someone else, long ago, a quote, a figure of speech. A second
// reader, a small logistic regression over a passage's words (model.go),
// raises to medium or high what the phrases miss in new wording; it is trained
// here, on the labelled sets in testdata, and shipped as a data file. It
// runs locally: no network, no download; the word lists and the model are
// data files (one each per language, in lists/). It is pure: no database.
//
// The tier is an aid for advisors, never a judgement: nothing is refused
// because of it, and advisors can change it.
package crisis

import "strconv"

// Tier is how urgent a text looks.
type Tier int

// Tiers, from none to high.
const (
	None   Tier = iota
	Low         // passive wishes, hopelessness, feeling a burden, past attempts
	Medium      // an active wish to die or to hurt oneself now
	High        // intent with a plan, means, a time, or goodbye language
)

var tierNames = [...]string{"none", "low", "medium", "high"}

// String returns "none", "low", "medium" or "high".
func (t Tier) String() string {
	if t < None || t > High {
		return "none"
	}
	return tierNames[t]
}

// ParseTier reads a tier's name.
func ParseTier(s string) (Tier, bool) {
	for i, n := range tierNames {
		if n == s {
			return Tier(i), true
		}
	}
	return None, false
}

// Match is one phrase found in a text.
type Match struct {
	Phrase  string  // the phrase of the word list
	Words   string  // the words of the text it matched, normalised
	Listed  Tier    // the list it comes from
	Tier    Tier    // after context
	Context string  // what lowered it ("negation", "someone else", …), or ""
	Score   float64 // for a passage the scored model read as urgent, its probability; else 0
}

// Result is what the detector found in a text.
type Result struct {
	Tier    Tier
	Matches []Match // every match that counts, the strongest first
}

// Why lists the matched phrases for advisors: `"took all my pills" (high)`.
func (r Result) Why() []string {
	var out []string
	for _, m := range r.Matches {
		s := "“" + m.Words + "” (" + m.Tier.String()
		if m.Context != "" {
			s += ", lowered: " + m.Context
		}
		if m.Score > 0 {
			s += ", scored " + strconv.FormatFloat(m.Score, 'f', 2, 64)
		}
		out = append(out, s+")")
	}
	return out
}
