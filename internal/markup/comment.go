package markup

import (
	"html"
	"html/template"
	"regexp"
	"strings"
)

// urlPattern finds web addresses in a visitor's text: with a scheme, or
// starting with "www.".
var urlPattern = regexp.MustCompile(`(?i)\b(?:https?://|www\.)[^\s<>"]+`)

// Comment renders a visitor's comment: escaped text in paragraphs, single
// line breaks kept, and web addresses made links that search engines do not
// follow or credit (rel="nofollow ugc"), so a comment is worth nothing to a
// spammer's ranking. Nothing the visitor typed becomes markup of its own.
func Comment(text string) template.HTML {
	text = strings.ReplaceAll(strings.TrimSpace(text), "\r\n", "\n")
	var b strings.Builder
	for _, para := range strings.Split(text, "\n\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		b.WriteString("<p>")
		for i, line := range strings.Split(para, "\n") {
			if i > 0 {
				b.WriteString("<br>")
			}
			autolink(&b, line)
		}
		b.WriteString("</p>\n")
	}
	return template.HTML(b.String()) // #nosec G203 -- every piece of outside text is escaped above
}

// Autolink escapes one line of text and links its web addresses.
func Autolink(text string) template.HTML {
	var b strings.Builder
	autolink(&b, text)
	return template.HTML(b.String()) // #nosec G203 -- every piece of outside text is escaped above
}

func autolink(b *strings.Builder, text string) {
	last := 0
	for _, m := range urlPattern.FindAllStringIndex(text, -1) {
		start, end := m[0], m[1]
		// Punctuation after an address belongs to the sentence.
		for end > start && strings.ContainsRune(".,;:!?)]}'", rune(text[end-1])) {
			end--
		}
		if end-start < 5 {
			continue
		}
		b.WriteString(html.EscapeString(text[last:start]))
		u := text[start:end]
		href := u
		if strings.HasPrefix(strings.ToLower(u), "www.") {
			href = "https://" + u
		}
		b.WriteString(`<a href="`)
		b.WriteString(html.EscapeString(href))
		b.WriteString(`" rel="nofollow ugc noopener">`)
		b.WriteString(html.EscapeString(u))
		b.WriteString("</a>")
		last = end
	}
	b.WriteString(html.EscapeString(text[last:]))
}
