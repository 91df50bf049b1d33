package search

import (
	"html"
	"html/template"
	"strings"
)

// The engines put these around matched words in snippets. They are private
// use characters, which no tokenizer treats as part of a word, and they are
// removed from the text before it is escaped and marked.
const (
	MarkStart = "\uE000"
	MarkEnd   = "\uE001"
)

// markdownMarks are the Markdown characters a snippet of a reply may carry;
// in a passage out of context they are noise.
var markdownMarks = strings.NewReplacer("**", "", "__", "", "`", "", "# ", "", "> ", "")

// Highlight turns a snippet from the store into safe HTML: the text is
// escaped and the matched words are wrapped in <mark>. Marks that do not
// pair up (a writer could type the marker characters) are all dropped.
func Highlight(snippet string) template.HTML {
	snippet = markdownMarks.Replace(snippet)
	opens, closes := strings.Count(snippet, MarkStart), strings.Count(snippet, MarkEnd)
	depth, paired := 0, opens == closes
	for _, r := range snippet {
		switch string(r) {
		case MarkStart:
			depth++
		case MarkEnd:
			depth--
		}
		if depth < 0 || depth > 1 {
			paired = false
		}
	}
	text := html.EscapeString(snippet)
	if !paired {
		text = strings.NewReplacer(MarkStart, "", MarkEnd, "").Replace(text)
	} else {
		text = strings.NewReplacer(MarkStart, "<mark>", MarkEnd, "</mark>").Replace(text)
	}
	return template.HTML(strings.Join(strings.Fields(text), " ")) // #nosec G203 -- escaped above; only our <mark> tags added
}
