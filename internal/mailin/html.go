package mailin

import (
	"strings"

	"golang.org/x/net/html"
)

// HTMLToText turns an HTML mail body into plain text: paragraphs, line
// breaks and list items become lines; scripts, styles and the text a reply
// quotes (<blockquote>, Gmail's and Thunderbird's quote blocks) are left
// out; entities are decoded. No markup survives.
func HTMLToText(doc string) string {
	z := html.NewTokenizer(strings.NewReader(doc))
	var b strings.Builder
	// skipping holds the elements whose text is dropped, innermost last;
	// only they are tracked, so unclosed <p> and <li> cannot upset it.
	var skipping []string
	pre := 0
	newline := func() {
		if s := b.String(); len(s) > 0 && !strings.HasSuffix(s, "\n") {
			b.WriteString("\n")
		}
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return Trim(b.String())
		case html.TextToken:
			if len(skipping) > 0 {
				continue
			}
			text := string(z.Text())
			if pre == 0 {
				text = strings.Join(strings.Fields(text), " ")
				if text == "" {
					continue
				}
				if s := b.String(); len(s) > 0 && !strings.HasSuffix(s, "\n") && !strings.HasSuffix(s, " ") {
					b.WriteString(" ")
				}
			}
			b.WriteString(text)
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			tag := string(name)
			quoted := false
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				if string(k) == "class" && (strings.Contains(string(v), "gmail_quote") || strings.Contains(string(v), "moz-cite-prefix")) {
					quoted = true
				}
			}
			if tag == "br" {
				b.WriteString("\n")
				continue
			}
			if tt == html.SelfClosingTagToken || void[tag] {
				continue
			}
			if quoted || dropped[tag] {
				skipping = append(skipping, tag)
				continue
			}
			if tag == "pre" {
				pre++
			}
			if block[tag] {
				newline()
				if tag == "li" {
					b.WriteString("- ")
				}
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			tag := string(name)
			if n := len(skipping); n > 0 {
				if skipping[n-1] == tag {
					skipping = skipping[:n-1]
				}
				continue
			}
			if tag == "pre" && pre > 0 {
				pre--
			}
			if block[tag] {
				newline()
				if tag == "p" {
					b.WriteString("\n") // a paragraph ends with a blank line
				}
			}
		}
	}
}

// dropped elements: their text is not the writer's words.
var dropped = map[string]bool{"script": true, "style": true, "head": true, "title": true, "blockquote": true}

// void elements have no end tag.
var void = map[string]bool{"hr": true, "img": true, "meta": true, "link": true, "input": true, "wbr": true, "area": true,
	"base": true, "col": true, "embed": true, "source": true, "track": true}

var block = map[string]bool{"p": true, "div": true, "li": true, "ul": true, "ol": true, "tr": true, "table": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "pre": true, "section": true, "article": true}
