package markup

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// Whatever an advisor writes, or a visitor types, the HTML made of it has
// no script, no event handler and no link that runs code.
func FuzzRender(f *testing.F) {
	for _, s := range []string{"**bold** and [a link](https://example.org)", "<script>alert(1)</script>", "[x](javascript:alert(1))",
		"<img src=x onerror=alert(1)>", "```\ncode\n```", "> quote\n\n- list", "www.example.org/a?b=<c>", "\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		for name, out := range map[string]string{"markdown": string(render(src)), "comment": string(Comment(src)), "plain": string(Plain(src))} {
			z := html.NewTokenizer(strings.NewReader(out))
			for {
				tt := z.Next()
				if tt == html.ErrorToken {
					break
				}
				if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
					continue
				}
				tok := z.Token()
				if tok.Data == "script" || tok.Data == "iframe" || tok.Data == "object" || tok.Data == "style" {
					t.Fatalf("%s: %q made a <%s>", name, src, tok.Data)
				}
				for _, a := range tok.Attr {
					v := strings.ToLower(strings.TrimSpace(a.Val))
					if strings.HasPrefix(a.Key, "on") || (a.Key == "href" || a.Key == "src") && (strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "data:")) {
						t.Fatalf("%s: %q made %s=%q", name, src, a.Key, a.Val)
					}
				}
			}
		}
		_ = MarkdownText(src)
		_ = Excerpt(src, 40)
		if s := Slugify(src); s == "" || strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			t.Fatalf("slug %q of %q", s, src)
		}
	})
}
