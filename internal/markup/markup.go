// Package markup turns stored text into safe HTML. Visitors' text (letters,
// comments, names) is escaped and never interpreted; advisors' replies are
// Markdown, rendered by goldmark and then cleaned by bluemonday, so even an
// advisor's account cannot plant a script in a page.
package markup

import (
	"bytes"
	"html"
	"html/template"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

var (
	md = goldmark.New(goldmark.WithExtensions(extension.Linkify, extension.Strikethrough, extension.Typographer))
	// policy allows what a reply needs (paragraphs, emphasis, lists, quotes,
	// headings, links) and nothing that runs. Links open as ordinary links and
	// tell search engines not to vouch for them.
	policy = func() *bluemonday.Policy {
		p := bluemonday.UGCPolicy()
		p.RequireNoFollowOnLinks(true)
		p.AllowURLSchemes("http", "https", "mailto", "tel")
		return p
	}()
)

// Markdown renders Markdown source as sanitised HTML. Raw HTML in the source
// is dropped by goldmark (it is not in unsafe mode) and anything dangerous
// left is removed by the sanitiser.
func Markdown(src string) template.HTML {
	if out, ok := cache.get(src); ok {
		return out
	}
	out := render(src)
	cache.put(src, out)
	return out
}

func render(src string) template.HTML {
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		// goldmark only fails on writer errors; a bytes.Buffer has none.
		return template.HTML("<p>" + html.EscapeString(src) + "</p>") // #nosec G203 -- every piece of outside text is escaped above
	}
	return template.HTML(policy.SanitizeBytes(buf.Bytes())) // #nosec G203 -- goldmark's output after bluemonday's sanitiser
}

// Plain renders a visitor's plain text as escaped HTML paragraphs: a blank
// line starts a paragraph, a single newline becomes a line break.
func Plain(text string) template.HTML {
	text = strings.ReplaceAll(strings.TrimSpace(text), "\r\n", "\n")
	if text == "" {
		return ""
	}
	var b strings.Builder
	for _, para := range strings.Split(text, "\n\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		b.WriteString("<p>")
		b.WriteString(strings.ReplaceAll(html.EscapeString(para), "\n", "<br>"))
		b.WriteString("</p>\n")
	}
	return template.HTML(b.String()) // #nosec G203 -- every piece of outside text is escaped above
}

// MarkdownText strips Markdown down to its words, for excerpts and feeds.
func MarkdownText(src string) string {
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		return src
	}
	text := bluemonday.StrictPolicy().SanitizeBytes(buf.Bytes())
	return html.UnescapeString(strings.Join(strings.Fields(string(text)), " "))
}
