package search

import "strings"

// Stem returns word stemmed by the original Porter algorithm (M.F. Porter,
// "An algorithm for suffix stripping", 1980), as SQLite's FTS5 "porter"
// tokenizer applies it: words of fewer than 3 or more than 64 bytes, and
// words that are not lower-case ASCII letters, are left as they are.
//
// Search needs it because FTS5 stems a prefix query's beginning too: "hus*"
// is searched as "hu*" (Porter strips the final s), which matches other
// words and misses the prefix index. With Stem the query builder can tell
// when that would happen and ask another way (see fts5Prefix in the store).
func Stem(word string) string {
	if len(word) < 3 || len(word) > 64 {
		return word
	}
	for i := 0; i < len(word); i++ {
		if word[i] < 'a' || word[i] > 'z' {
			return word
		}
	}
	w := []byte(word)
	w = step1a(w)
	w = step1b(w)
	w = step1c(w)
	w = step2(w)
	w = step3(w)
	w = step4(w)
	w = step5(w)
	return string(w)
}

// consonant reports whether w[i] is a consonant: not a, e, i, o, u, and not
// a y that follows a consonant.
func consonant(w []byte, i int) bool {
	switch w[i] {
	case 'a', 'e', 'i', 'o', 'u':
		return false
	case 'y':
		return i == 0 || !consonant(w, i-1)
	}
	return true
}

// measure is Porter's m: the number of vowel-consonant sequences in w.
func measure(w []byte) int {
	m, i, n := 0, 0, len(w)
	for i < n && consonant(w, i) {
		i++
	}
	for i < n {
		for i < n && !consonant(w, i) {
			i++
		}
		if i == n {
			break
		}
		for i < n && consonant(w, i) {
			i++
		}
		m++
	}
	return m
}

func hasVowel(w []byte) bool {
	for i := range w {
		if !consonant(w, i) {
			return true
		}
	}
	return false
}

// doubleConsonant: w ends with two equal consonants.
func doubleConsonant(w []byte) bool {
	n := len(w)
	return n >= 2 && w[n-1] == w[n-2] && consonant(w, n-1)
}

// cvc is Porter's *o: w ends consonant-vowel-consonant, the last not w, x
// or y.
func cvc(w []byte) bool {
	n := len(w)
	if n < 3 || !consonant(w, n-1) || consonant(w, n-2) || !consonant(w, n-3) {
		return false
	}
	c := w[n-1]
	return c != 'w' && c != 'x' && c != 'y'
}

// rule is one suffix replacement of steps 2 to 4.
type rule struct{ suffix, repl string }

// replace applies the first rule whose suffix w ends with, if the stem left
// before it passes cond; a matching rule whose condition fails ends the step.
func replace(w []byte, rules []rule, cond func(stem []byte) bool) []byte {
	s := string(w)
	for _, r := range rules {
		if strings.HasSuffix(s, r.suffix) {
			stem := w[:len(w)-len(r.suffix)]
			if cond(stem) {
				return append(stem[:len(stem):len(stem)], r.repl...)
			}
			return w
		}
	}
	return w
}

func step1a(w []byte) []byte {
	s := string(w)
	switch {
	case strings.HasSuffix(s, "sses"), strings.HasSuffix(s, "ies"):
		return w[:len(w)-2]
	case strings.HasSuffix(s, "ss"):
		return w
	case strings.HasSuffix(s, "s"):
		return w[:len(w)-1]
	}
	return w
}

func step1b(w []byte) []byte {
	s := string(w)
	if strings.HasSuffix(s, "eed") {
		if measure(w[:len(w)-3]) > 0 {
			return w[:len(w)-1]
		}
		return w
	}
	var stem []byte
	switch {
	case strings.HasSuffix(s, "ed") && hasVowel(w[:len(w)-2]):
		stem = w[:len(w)-2]
	case strings.HasSuffix(s, "ing") && hasVowel(w[:len(w)-3]):
		stem = w[:len(w)-3]
	default:
		return w
	}
	t := string(stem)
	switch {
	case strings.HasSuffix(t, "at"), strings.HasSuffix(t, "bl"), strings.HasSuffix(t, "iz"):
		return append(stem[:len(stem):len(stem)], 'e')
	case doubleConsonant(stem):
		if c := stem[len(stem)-1]; c != 'l' && c != 's' && c != 'z' {
			return stem[:len(stem)-1]
		}
	case measure(stem) == 1 && cvc(stem):
		return append(stem[:len(stem):len(stem)], 'e')
	}
	return stem
}

func step1c(w []byte) []byte {
	if n := len(w); n > 0 && w[n-1] == 'y' && hasVowel(w[:n-1]) {
		out := append([]byte(nil), w...)
		out[n-1] = 'i'
		return out
	}
	return w
}

var step2Rules = []rule{
	{"ational", "ate"}, {"tional", "tion"}, {"enci", "ence"}, {"anci", "ance"}, {"izer", "ize"},
	{"bli", "ble"}, {"alli", "al"}, {"entli", "ent"}, {"eli", "e"}, {"ousli", "ous"},
	{"ization", "ize"}, {"ation", "ate"}, {"ator", "ate"}, {"alism", "al"}, {"iveness", "ive"},
	{"fulness", "ful"}, {"ousness", "ous"}, {"aliti", "al"}, {"iviti", "ive"}, {"biliti", "ble"},
	{"logi", "log"},
}

// The rules are tried longest suffix first, so that "ational" wins over
// "tional" and "ization" over "ation".
func init() {
	for _, rs := range [][]rule{step2Rules, step3Rules, step4Rules} {
		sortBySuffixLength(rs)
	}
}

func sortBySuffixLength(rs []rule) {
	for i := 1; i < len(rs); i++ {
		for j := i; j > 0 && len(rs[j].suffix) > len(rs[j-1].suffix); j-- {
			rs[j], rs[j-1] = rs[j-1], rs[j]
		}
	}
}

func mGt0(stem []byte) bool { return measure(stem) > 0 }
func mGt1(stem []byte) bool { return measure(stem) > 1 }

func step2(w []byte) []byte { return replace(w, step2Rules, mGt0) }

var step3Rules = []rule{
	{"icate", "ic"}, {"ative", ""}, {"alize", "al"}, {"iciti", "ic"}, {"ical", "ic"}, {"ful", ""}, {"ness", ""},
}

func step3(w []byte) []byte { return replace(w, step3Rules, mGt0) }

var step4Rules = []rule{
	{"al", ""}, {"ance", ""}, {"ence", ""}, {"er", ""}, {"ic", ""}, {"able", ""}, {"ible", ""}, {"ant", ""},
	{"ement", ""}, {"ment", ""}, {"ent", ""}, {"ion", ""}, {"ou", ""}, {"ism", ""}, {"ate", ""}, {"iti", ""},
	{"ous", ""}, {"ive", ""}, {"ize", ""},
}

func step4(w []byte) []byte {
	return replace(w, step4Rules, func(stem []byte) bool {
		if !mGt1(stem) {
			return false
		}
		// "ion" goes only after s or t.
		if n := len(stem); len(w)-n == 3 && string(w[n:]) == "ion" {
			return n > 0 && (stem[n-1] == 's' || stem[n-1] == 't')
		}
		return true
	})
}

func step5(w []byte) []byte {
	if n := len(w); n > 0 && w[n-1] == 'e' {
		stem := w[:n-1]
		if m := measure(stem); m > 1 || m == 1 && !cvc(stem) {
			w = stem
		}
	}
	if n := len(w); n > 1 && w[n-1] == 'l' && w[n-2] == 'l' && measure(w) > 1 {
		w = w[:n-1]
	}
	return w
}
