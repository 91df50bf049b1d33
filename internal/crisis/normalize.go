package crisis

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// token is one word of a text, normalised.
type token struct {
	word     string
	sentence int  // which sentence of the text it is in
	quoted   bool // inside quotation marks
}

// leet are the digits and signs written for letters ("su1c1de", "k!ll").
var leet = map[rune]rune{'1': 'i', '3': 'e', '0': 'o', '4': 'a', '5': 's', '7': 't', '@': 'a', '$': 's', '!': 'i', '|': 'l'}

// fold lower-cases s and takes accents off, so "Übel" and "ubel" and a
// full-width "ＤＩＥ" read alike.
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFKD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// tokenize normalises a text into words: folded, apostrophes inside words
// dropped ("don't" → "dont"), digits and signs between letters read as the
// letters they stand for, split at everything else, with each word's
// sentence and whether it is quoted.
func tokenize(text string) []token {
	rs := []rune(fold(text))
	var out []token
	var cur []rune
	sentence, quoted := 0, false
	flush := func() {
		if len(cur) > 0 {
			out = append(out, token{word: string(cur), sentence: sentence, quoted: quoted})
			cur = cur[:0]
		}
	}
	letterAt := func(i int) bool { return i >= 0 && i < len(rs) && unicode.IsLetter(rs[i]) }
	for i, r := range rs {
		switch {
		case unicode.IsLetter(r):
			cur = append(cur, r)
		case r == '\'' || r == '’' || r == '`' || r == 'ʼ':
			if !(letterAt(i-1) && letterAt(i+1)) {
				flush()
			}
		case leet[r] != 0 && letterAt(i-1) && (letterAt(i+1) || (i+1 < len(rs) && leet[rs[i+1]] != 0 && letterAt(i+2))):
			cur = append(cur, leet[r])
		case unicode.IsDigit(r):
			cur = append(cur, r)
		default:
			flush()
			switch r {
			case '.':
				// "s.u.i.c.i.d.e", "e.g.": a full stop between letters ends
				// no sentence.
				if !(letterAt(i-1) && letterAt(i+1)) {
					sentence++
				}
			case '!', '?', ';', '\n', '…':
				sentence++
			case '"', '“', '”', '„', '«', '»':
				quoted = !quoted
				if r == '”' || r == '»' {
					quoted = false
				}
			}
		}
	}
	flush()
	return joinSpaced(namedWords(out))
}

// namedWords unquotes a quoted run of one or two words: a word the writer
// names ("I wrote "sorry" on a piece of paper") is theirs, not a song's or
// a film's; a song named so still reads as one by the [quote] words.
func namedWords(toks []token) []token {
	for i := 0; i < len(toks); {
		if !toks[i].quoted {
			i++
			continue
		}
		j := i
		for j < len(toks) && toks[j].quoted {
			j++
		}
		if j-i <= 2 {
			for k := i; k < j; k++ {
				toks[k].quoted = false
			}
		}
		i = j
	}
	return toks
}

// joinSpaced joins runs of three or more one-letter words ("k i l l",
// "s.u.i.c.i.d.e") into the word they spell.
func joinSpaced(in []token) []token {
	var out []token
	for i := 0; i < len(in); {
		j := i
		for j < len(in) && len([]rune(in[j].word)) == 1 && !unicode.IsDigit([]rune(in[j].word)[0]) && in[j].sentence == in[i].sentence {
			j++
		}
		if j-i >= 3 {
			// "i" and "a" are words of their own: a run that starts with
			// one followed by a real word is left alone by the length test.
			var b strings.Builder
			for _, t := range in[i:j] {
				b.WriteString(t.word)
			}
			out = append(out, token{word: b.String(), sentence: in[i].sentence, quoted: in[i].quoted})
			i = j
			continue
		}
		out = append(out, in[i])
		i++
	}
	return out
}

// Words normalises a piece of text into its words, as the lists are read.
func Words(s string) []string {
	var out []string
	for _, t := range tokenize(s) {
		out = append(out, t.word)
	}
	return out
}

// squeeze collapses every run of a repeated letter to one ("dieeee" →
// "die", "killll" → "kil"); two words match when they squeeze alike and the
// text's word had a run of three (so "to" and "too" stay apart).
func squeeze(w string) string {
	var b strings.Builder
	var last rune
	for _, r := range w {
		if r != last {
			b.WriteRune(r)
		}
		last = r
	}
	return b.String()
}

func hasRun3(w string) bool {
	rs := []rune(w)
	for i := 2; i < len(rs); i++ {
		if rs[i] == rs[i-1] && rs[i] == rs[i-2] {
			return true
		}
	}
	return false
}

// replace applies the evasive-spelling replacements ("kms" → "kill
// myself"), of one or two words.
func (l *Lists) replace(in []token) []token {
	var out []token
	for i := 0; i < len(in); i++ {
		if i+1 < len(in) && in[i+1].sentence == in[i].sentence {
			if to, ok := l.Replace[in[i].word+" "+in[i+1].word]; ok {
				for _, w := range to {
					out = append(out, token{word: w, sentence: in[i].sentence, quoted: in[i].quoted})
				}
				i++
				continue
			}
		}
		if to, ok := l.Replace[in[i].word]; ok {
			for _, w := range to {
				out = append(out, token{word: w, sentence: in[i].sentence, quoted: in[i].quoted})
			}
			continue
		}
		out = append(out, in[i])
	}
	return out
}
