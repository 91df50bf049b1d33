package spam

import (
	"math"
	"sort"
	"strings"
	"unicode"
)

// The score learns from moderators: each comment marked "spam" or "not
// spam" adds its tokens to the spam or the good counts. A new comment's
// score is the chance, from 0 to 1, that it is spam, combined from its most
// telling tokens by Robinson's method with Fisher's chi-square (as
// SpamBayes does): it stays near 0.5 when the evidence is thin or mixed,
// instead of jumping to certainty the way a plain product of probabilities
// does on short texts.

// Counts is how often a token was seen in spam and in good comments.
type Counts struct{ Spam, Ham int64 }

// MinTraining is how many spam and how many good comments the filter must
// have learnt from before its score means anything.
const MinTraining = 5

// HoldAbove is the score from which a comment is held as likely spam.
const HoldAbove = 0.9

// maxTokens bounds the tokens of one comment, so that a 5,000-character
// comment costs one small query.
const maxTokens = 300

// Tokens returns the distinct tokens the score looks at: the words of the
// body (lower-case, 2 to 24 characters), the words of the name marked as
// such, and the host of every link.
func Tokens(name, body string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(t string) {
		if !seen[t] && len(out) < maxTokens {
			seen[t] = true
			out = append(out, t)
		}
	}
	for _, h := range LinkHosts(body) {
		add("host:" + h)
	}
	if n := CountLinks(body); n > 0 {
		add("links:" + map[bool]string{true: "many", false: "some"}[n > 2])
	}
	for _, w := range words(name) {
		add("name:" + w)
	}
	for _, w := range words(body) {
		add(w)
	}
	return out
}

func words(text string) []string {
	f := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '$'
	})
	out := f[:0]
	for _, w := range f {
		w = strings.Trim(w, "'")
		if n := len([]rune(w)); n >= 2 && n <= 24 {
			out = append(out, w)
		}
	}
	return out
}

// Score returns the chance that a comment with these tokens is spam, given
// each token's counts and how many spam and good comments were learnt from.
// trained is false, and the score 0.5, until the filter has learnt enough.
func Score(tokens []string, counts map[string]Counts, spamTotal, hamTotal int64) (score float64, trained bool) {
	if spamTotal < MinTraining || hamTotal < MinTraining {
		return 0.5, false
	}
	const strength, prior = 0.45, 0.5 // weight of the prior, and the prior itself
	var probs []float64
	for _, t := range tokens {
		c := counts[t]
		n := float64(c.Spam + c.Ham)
		if n == 0 {
			continue
		}
		sr := float64(c.Spam) / float64(spamTotal)
		hr := float64(c.Ham) / float64(hamTotal)
		p := sr / (sr + hr)
		f := (strength*prior + n*p) / (strength + n)
		if math.Abs(f-0.5) > 0.1 {
			probs = append(probs, f)
		}
	}
	if len(probs) == 0 {
		return 0.5, true
	}
	// The most telling tokens only, so that a long comment padded with
	// ordinary words cannot drown its spam.
	sort.Slice(probs, func(i, j int) bool { return math.Abs(probs[i]-0.5) > math.Abs(probs[j]-0.5) })
	if len(probs) > 150 {
		probs = probs[:150]
	}
	var lnSpam, lnHam float64
	for _, f := range probs {
		f = math.Min(math.Max(f, 0.01), 0.99)
		lnHam += math.Log(f)
		lnSpam += math.Log(1 - f)
	}
	n := len(probs)
	spamminess := 1 - chi2Q(-2*lnSpam, 2*n)
	hamminess := 1 - chi2Q(-2*lnHam, 2*n)
	return (1 + spamminess - hamminess) / 2, true
}

// chi2Q is the probability that a chi-square variable with v (even) degrees
// of freedom is at least x2.
func chi2Q(x2 float64, v int) float64 {
	m := x2 / 2
	term := math.Exp(-m)
	sum := term
	for i := 1; i < v/2; i++ {
		term *= m / float64(i)
		sum += term
	}
	return math.Min(sum, 1)
}
