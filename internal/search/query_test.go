package search

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in, want string // want is the cleaned query as String() writes it
		dropped  string
		cut      bool
	}{
		{in: "lonely after divorce", want: "lonely divorce", dropped: "after"},
		{in: "  Boyfriend TRUST cheated ", want: "boyfriend trust cheated"},
		{in: `"after the divorce" evenings`, want: `divorce evenings`, dropped: "after the"},
		{in: `"evening after the divorce"`, want: `"evening after the divorce"`},
		{in: `lonely -work -"night shift"`, want: `lonely -work -"night shift"`},
		{in: "trus* a* the*", want: "trus* the*", dropped: "a"},
		{in: "trus *", want: "trus"},
		{in: `"unclosed phrase here`, want: `"unclosed phrase"`, dropped: "here"},
		{in: `AND OR NOT NEAR(`, want: "near", dropped: "and or not"},
		{in: "self-harm e-mail", want: `"self harm" "e mail"`},
		{in: "don't", want: "", dropped: "don t"},
		{in: "title:trust {x} (y)", want: `"title trust" x y`},
		{in: "lonely lonely LONELY", want: "lonely"},
		{in: "the of and", want: "", dropped: "the of and"},
		{in: `-"`, want: ""},
		{in: "-", want: ""},
		{in: "a - b", want: "b", dropped: "a"},
		{in: "Café naïve", want: "café naïve"},
		{in: "one two three four five six seven eight nine ten", want: "one two three four five six seven eight", cut: true},
		{in: strings.Repeat("x", 50) + " lonely", want: "lonely", cut: true},
		{in: strings.Repeat("lonely ", 200), want: "lonely", cut: true},
		{in: "\x00\xff lonely", want: "lonely"},
	}
	for _, tc := range tests {
		q := Parse(tc.in)
		if got := q.String(); got != tc.want {
			t.Errorf("Parse(%.30q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := strings.Join(q.Dropped, " "); got != tc.dropped {
			t.Errorf("Parse(%.30q) dropped %q, want %q", tc.in, got, tc.dropped)
		}
		if q.Cut != tc.cut {
			t.Errorf("Parse(%.30q).Cut = %v", tc.in, q.Cut)
		}
	}
}

func TestEmpty(t *testing.T) {
	for in, want := range map[string]bool{"": true, "the": true, "-work": true, "lonely -work": false, "tru*": false} {
		if got := Parse(in).Empty(); got != want {
			t.Errorf("Parse(%q).Empty() = %v", in, got)
		}
	}
}

func TestHighlight(t *testing.T) {
	tests := map[string]string{
		"a " + MarkStart + "word" + MarkEnd + " <b>&":                  "a <mark>word</mark> &lt;b&gt;&amp;",
		MarkStart + "open only":                                        "open only",
		MarkEnd + "x" + MarkStart:                                      "x",
		MarkStart + MarkStart + "nested" + MarkEnd + MarkEnd:           "nested",
		"**bold** and `code` and [link](http://x)":                     "bold and code and [link](http://x)",
		"line\n\nbreaks   " + MarkStart + "<script>" + MarkEnd + "\t.": "line breaks <mark>&lt;script&gt;</mark> .",
	}
	for in, want := range tests {
		if got := string(Highlight(in)); got != want {
			t.Errorf("Highlight(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRelated(t *testing.T) {
	q := Related("My beekeeping club", "Beekeeping was my life. The club met on Sundays, and I still think about the hives every day. 2024.")
	if !q.Any || len(q.Terms) == 0 || q.Terms[0].Words[0] != "beekeeping" || q.Terms[1].Words[0] != "club" {
		t.Fatalf("related terms: %v", q)
	}
	for _, term := range q.Terms {
		w := term.Words[0]
		if IsStopword(w) || everyday[w] || w == "2024" {
			t.Errorf("related query has %q", w)
		}
	}
	long := Related("t", strings.Repeat("alpha beta gamma delta epsilon zeta theta iota kappa lambda omicron sigma omega upsilon ", 3))
	if len(long.Terms) != RelatedTerms {
		t.Errorf("%d terms, want %d", len(long.Terms), RelatedTerms)
	}
}

// FuzzParse checks the cleaner's promises on any input: within the limits,
// words made only of letters and digits, and stable when cleaned again.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"lonely", `"a b" -c d*`, `NEAR(`, `"`, "-", "*", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		q := Parse(in)
		if len(q.Include()) > MaxTerms || len(q.Exclude()) > MaxExclusions {
			t.Fatalf("too many terms: %v", q)
		}
		for _, term := range q.Terms {
			if len(term.Words) == 0 || len(term.Words) > MaxPhrase {
				t.Fatalf("term with %d words", len(term.Words))
			}
			for _, w := range term.Words {
				if w == "" || len([]rune(w)) > MaxWordRunes || strings.ToLower(w) != w {
					t.Fatalf("bad word %q", w)
				}
				for _, r := range w {
					if !isWordRune(r) {
						t.Fatalf("word %q has %q", w, r)
					}
				}
			}
		}
		again := Parse(q.String())
		if again.String() != q.String() {
			t.Fatalf("not stable: %q → %q → %q", in, q.String(), again.String())
		}
	})
}
