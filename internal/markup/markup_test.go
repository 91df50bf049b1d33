package markup

import (
	"strings"
	"testing"
	"time"
)

func TestMarkdownIsSanitised(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string
		never     []string
	}{
		{"emphasis", "I hear **you**.", []string{"<strong>you</strong>"}, nil},
		{"raw script", "Hello <script>alert(1)</script>", []string{"Hello"}, []string{"<script", "alert(1)</script>"}},
		{"javascript link", "[click](javascript:alert(1))", []string{"click"}, []string{"javascript:"}},
		{"event handler", `<img src=x onerror="alert(1)">`, nil, []string{"onerror"}},
		{"data url link", "[x](data:text/html;base64,PHNjcmlwdD4=)", nil, []string{"data:text"}},
		{"plain link", "[help](https://example.org/help)", []string{`href="https://example.org/help"`, `rel="nofollow"`}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := string(Markdown(tc.src))
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("Markdown(%q) = %q, want it to contain %q", tc.src, got, w)
				}
			}
			for _, n := range tc.never {
				if strings.Contains(got, n) {
					t.Errorf("Markdown(%q) = %q, must not contain %q", tc.src, got, n)
				}
			}
		})
	}
}

func TestPlainEscapes(t *testing.T) {
	got := string(Plain("Hi <b>there</b>\nsecond line\n\n<script>x</script>"))
	want := "<p>Hi &lt;b&gt;there&lt;/b&gt;<br>second line</p>\n<p>&lt;script&gt;x&lt;/script&gt;</p>\n"
	if got != want {
		t.Errorf("Plain = %q, want %q", got, want)
	}
	if Plain("  \n ") != "" {
		t.Error("blank text should render nothing")
	}
}

func TestMarkdownText(t *testing.T) {
	if got := MarkdownText("I *hear* you &amp; I\n\n- care"); got != "I hear you & I care" {
		t.Errorf("MarkdownText = %q", got)
	}
}

func TestExcerpt(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{"short text", 60, "short text"},
		{"Thank you for sharing this, it means a lot to me today", 30, "Thank you for sharing this, it…"},
		{"Thank you for sharing this, it means a lot to me today", 28, "Thank you for sharing this…"},
		{"words   with\nspaces", 60, "words with spaces"},
		{"Supercalifragilisticexpialidocious", 10, "Supercalif…"},
		{"Ça va très bien, merci beaucoup", 12, "Ça va très…"},
		{strings.Repeat("é", 100), 10, strings.Repeat("é", 10) + "…"},
		{"a" + strings.Repeat(" ", 200) + "b", 10, "a…"},
	} {
		if got := Excerpt(tc.in, tc.max); got != tc.want {
			t.Errorf("Excerpt(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}

func TestRelativeTime(t *testing.T) {
	now := time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		ago  time.Time
		want string
	}{
		{now.Add(-10 * time.Second), "just now"},
		{now.Add(time.Hour), "just now"}, // clocks disagree: never "in the future"
		{now.Add(-time.Minute), "1 minute ago"},
		{now.Add(-45 * time.Minute), "45 minutes ago"},
		{now.Add(-5 * time.Hour), "5 hours ago"},
		{now.Add(-30 * time.Hour), "yesterday"},
		{now.Add(-3 * 24 * time.Hour), "3 days ago"},
		{time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC), "2 months ago"},
		{time.Date(2025, 3, 16, 0, 0, 0, 0, time.UTC), "11 months ago"},
		{time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), "2 years ago"},
		{time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), "1 year ago"},
	} {
		if got := RelativeTime(tc.ago, now); got != tc.want {
			t.Errorf("RelativeTime(%v) = %q, want %q", tc.ago, got, tc.want)
		}
	}
}

func TestSlugify(t *testing.T) {
	for in, want := range map[string]string{
		"My husband doesn't talk to me":  "my-husband-doesn-t-talk-to-me",
		"  Lonely -- after   divorce!! ": "lonely-after-divorce",
		"Café à Zürich":                  "cafe-a-zurich",
		"???":                            "story",
		strings.Repeat("word ", 40):      strings.Repeat("word-", 15) + "word",
		strings.Repeat("words ", 40):     strings.Repeat("words-", 12) + "words",
	} {
		if got := Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMarkdownCacheFollowsTheSource(t *testing.T) {
	a := Markdown("first *version*")
	b := Markdown("second *version*")
	if a == b || !strings.Contains(string(a), "first") || !strings.Contains(string(b), "second") {
		t.Fatalf("cache mixed up sources: %q %q", a, b)
	}
	if again := Markdown("first *version*"); again != a {
		t.Fatalf("cached render differs: %q vs %q", again, a)
	}
	// The cache stays within its budget.
	for i := 0; i < 5000; i++ {
		Markdown(strings.Repeat("word ", 200) + string(rune('a'+i%26)) + strings.Repeat("x", i))
	}
	if cache.size > cache.max {
		t.Fatalf("cache holds %d bytes, budget %d", cache.size, cache.max)
	}
}

func TestComment(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Hello", "<p>Hello</p>\n"},
		{"One\ntwo\n\nThree", "<p>One<br>two</p>\n<p>Three</p>\n"},
		{"<b>bold</b> & co", "<p>&lt;b&gt;bold&lt;/b&gt; &amp; co</p>\n"},
		{"See https://example.org/help.", `<p>See <a href="https://example.org/help" rel="nofollow ugc noopener">https://example.org/help</a>.</p>` + "\n"},
		{"(www.example.org)", `<p>(<a href="https://www.example.org" rel="nofollow ugc noopener">www.example.org</a>)</p>` + "\n"},
		{`http://x.example/?a="><script>`, `<p><a href="http://x.example/?a=" rel="nofollow ugc noopener">http://x.example/?a=</a>&#34;&gt;&lt;script&gt;</p>` + "\n"},
		{"javascript:alert(1)", "<p>javascript:alert(1)</p>\n"},
		{"   \n\n  ", ""},
	}
	for _, c := range cases {
		if got := string(Comment(c.in)); got != c.want {
			t.Errorf("Comment(%q) =\n%q, want\n%q", c.in, got, c.want)
		}
	}
}
