package search

import (
	"strings"
	"testing"
)

// mark writes a snippet with [brackets] for the marks, to read in tests.
func mark(s string) string {
	return strings.NewReplacer(MarkStart, "[", MarkEnd, "]").Replace(s)
}

func TestSnippet(t *testing.T) {
	long := strings.Repeat("filler words go here and on ", 20)
	cases := []struct {
		name, text, query string
		size              int
		want              string
		found             bool
	}{
		{"stems match", "He was lonely. Lonelier now: they divorced.", "lonely divorce", 24, "He was [lonely]. Lonelier now: they [divorced].", true},
		{"case and accents", "Un Café au lait, then CAFE.", "cafe", 24, "Un [Café] au lait, then [CAFE].", true},
		{"prefix", "Trust is built; trusting takes time; a truss is not it.", "trus*", 24, "[Trust] is built; [trusting] takes time; a [truss] is not it.", true},
		{"phrase as a whole", "I feel alone. Alone I feel fine.", `"feel alone"`, 24, "I [feel alone]. Alone I feel fine.", true},
		{"exclusions are not marked", "work and family", "family -work", 24, "work and [family]", true},
		{"no match gives the beginning", "One two three four five six", "seven", 3, "One two three…", false},
		{"window around the match", long + "my husband left " + long, "husband", 6, "…on my [husband] left filler words…", true},
		{"window with most terms", "divorce " + long + "lonely after the divorce " + long, "lonely divorce", 8,
			"…and on [lonely] after the [divorce] filler words…", true},
		{"empty text", "", "x", 24, "", false},
		{"stems with changed endings", "Happiness and happy days; she was hoping, I hope.", "happy hoping", 24,
			"[Happiness] and [happy] days; she was [hoping], I [hope].", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, found := Snippet(c.text, Parse(c.query), c.size)
			if mark(got) != c.want || found != c.found {
				t.Errorf("Snippet(%q, %q)\n got %q %v\nwant %q %v", c.text, c.query, mark(got), found, c.want, c.found)
			}
		})
	}
}

// Any text and any query give a passage of the text with paired marks.
func FuzzSnippet(f *testing.F) {
	f.Add("I feel alone after the divorce.", `"feel alone" divorce`)
	f.Add("Ça va? Très bien… ‘quoted’ ＷＯＲＤ", "tres* wo")
	f.Add("", "x")
	f.Add("a\u0301b \uE000 c \uE001", "ab")
	f.Fuzz(func(t *testing.T, text, query string) {
		got, found := Snippet(text, Parse(query), 5)
		strip := strings.NewReplacer(MarkStart, "", MarkEnd, "", "…", "").Replace
		if plain := strip(got); !strings.Contains(strip(text), plain) {
			t.Fatalf("the passage %q is not a part of the text %q", got, text)
		}
		if found && !strings.Contains(got, MarkStart) {
			t.Fatalf("found, but nothing is marked: %q", got)
		}
	})
}
