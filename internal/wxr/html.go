package wxr

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// A post's HTML becomes blocks (paragraphs, headings, rules, quotes, lists,
// preformatted text), each kept twice: as Markdown for a reply and as plain
// text for a letter or a comment. Nothing of the HTML itself survives:
// Confide renders the Markdown and sanitises the result, so a post's
// scripts, styles, frames and forms go, and links keep only web and mail
// addresses.

type blockKind int

const (
	para blockKind = iota
	heading
	rule
	quote
	list
	pre
	marker // "Rose's reply:" and the like: where a letter ends (see Split)
)

type block struct {
	kind  blockKind
	level int    // heading level
	md    string // Markdown
	text  string // plain text
}

// Markdown returns the Markdown of a post's or page's HTML.
func Markdown(content string) string { return joinMD(blocks(content)) }

// PlainText returns the text of HTML: paragraphs apart by a blank line, line
// breaks kept, link addresses written after their words.
func PlainText(content string) string { return joinText(blocks(content)) }

// shortcodes are WordPress's bracketed macros that wrap media; their words
// (a caption) stay, the brackets go.
var shortcodes = regexp.MustCompile(`\[/?(?:caption|wp_caption|gallery|embed|audio|video|playlist)\b[^\]]*\]`)

func blocks(content string) []block {
	content = shortcodes.ReplaceAllString(content, "")
	nodes, err := html.ParseFragment(strings.NewReader(content), &html.Node{Type: html.ElementNode, DataAtom: atom.Body, Data: "body"})
	if err != nil { // the parser fails only on reader errors
		return []block{{kind: para, md: escapeMD(content), text: content}}
	}
	c := &converter{}
	for _, n := range nodes {
		c.node(n)
	}
	c.flush()
	return c.out
}

// converter walks the parsed nodes. Inline content gathers in cur until a
// block element or a blank line (WordPress's own paragraph mark in text
// that has no <p>) ends the paragraph.
type converter struct {
	out []block
	cur inline
}

// inline is one paragraph being built, in both forms.
type inline struct {
	md, text strings.Builder
}

func (in *inline) empty() bool { return strings.TrimSpace(in.text.String()) == "" }

func (c *converter) flush() {
	if !c.cur.empty() {
		md, text := tidy(c.cur.md.String()), tidy(c.cur.text.String())
		c.out = append(c.out, block{kind: para, md: md, text: text})
	}
	c.cur = inline{}
}

// dropped elements lose their content too.
var dropped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Iframe: true, atom.Object: true, atom.Embed: true,
	atom.Noscript: true, atom.Form: true, atom.Button: true, atom.Select: true, atom.Textarea: true,
	atom.Svg: true, atom.Math: true, atom.Audio: true, atom.Video: true, atom.Canvas: true, atom.Template: true,
	atom.Head: true, atom.Title: true,
}

func (c *converter) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		c.text(n.Data)
		return
	case html.ElementNode:
	default:
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			c.node(ch)
		}
		return
	}
	if dropped[n.DataAtom] {
		return
	}
	switch n.DataAtom {
	case atom.P:
		c.flush()
		c.paragraph(n)
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		c.flush()
		level := int(n.Data[1] - '0')
		var in inline
		inlineChildren(&in, n)
		text := tidy(in.text.String())
		if text == "" {
			return
		}
		if isReplyMark(text) {
			c.out = append(c.out, block{kind: marker, text: text})
			return
		}
		c.out = append(c.out, block{kind: heading, level: level, md: strings.Repeat("#", max(2, min(level, 4))) + " " + oneLine(tidy(in.md.String())), text: text})
	case atom.Hr:
		c.flush()
		c.out = append(c.out, block{kind: rule, md: "* * *"})
	case atom.Br:
		c.cur.md.WriteString("\\\n")
		c.cur.text.WriteString("\n")
	case atom.Blockquote:
		c.flush()
		inner := sub(n)
		if len(inner) == 0 {
			return
		}
		c.out = append(c.out, block{kind: quote, md: prefixLines(joinMD(inner), "> "), text: joinText(inner)})
	case atom.Ul, atom.Ol:
		c.flush()
		if b, ok := listBlock(n, 0); ok {
			c.out = append(c.out, b)
		}
	case atom.Pre:
		c.flush()
		text := strings.Trim(textOf(n), "\n")
		if strings.TrimSpace(text) == "" {
			return
		}
		fence := "```"
		for strings.Contains(text, fence) {
			fence += "`"
		}
		c.out = append(c.out, block{kind: pre, md: fence + "\n" + text + "\n" + fence, text: text})
	case atom.Tr:
		c.flush()
		var cells []string
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			if ch.DataAtom == atom.Td || ch.DataAtom == atom.Th {
				var in inline
				inlineChildren(&in, ch)
				if t := oneLine(tidy(in.md.String())); t != "" {
					cells = append(cells, t)
				}
			}
		}
		if len(cells) > 0 {
			md := strings.Join(cells, " – ")
			c.out = append(c.out, block{kind: para, md: md, text: unescapeMD(md)})
		}
	case atom.Div, atom.Section, atom.Article, atom.Figure, atom.Figcaption, atom.Main, atom.Aside,
		atom.Header, atom.Footer, atom.Table, atom.Tbody, atom.Thead, atom.Tfoot, atom.Dl, atom.Dd, atom.Dt, atom.Center:
		c.flush()
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			c.node(ch)
		}
		c.flush()
	default:
		inlineNode(&c.cur, n)
	}
}

var blankLine = regexp.MustCompile(`\n[ \t]*\n\s*`)

// text adds text met outside a <p>: there WordPress marks a paragraph by a
// blank line and a line break by a newline (what wpautop turns into HTML).
func (c *converter) text(s string) {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for i, part := range blankLine.Split(s, -1) {
		if i > 0 {
			c.flush()
		}
		if c.cur.empty() {
			if m := replyPrefix.FindStringSubmatchIndex(part); m != nil && isReplyMark(part[m[2]:m[3]]) {
				c.out = append(c.out, block{kind: marker, text: strings.TrimSpace(part[m[2]:m[3]])})
				part = part[m[1]:]
			}
		}
		lines := strings.Split(part, "\n")
		for j, line := range lines {
			if j > 0 && !c.cur.empty() && strings.TrimSpace(line) != "" {
				c.cur.md.WriteString("\\\n")
				c.cur.text.WriteString("\n")
			}
			addText(&c.cur, line)
		}
	}
}

// paragraph converts a <p>. One that opens with "Rose's reply:" in bold (or
// plain) marks where the letter ends, and what follows it in the same
// paragraph begins the reply.
func (c *converter) paragraph(n *html.Node) {
	first := n.FirstChild
	for first != nil && first.Type == html.TextNode && strings.TrimSpace(first.Data) == "" {
		first = first.NextSibling
	}
	var in inline
	rest := first
	if first != nil && (first.DataAtom == atom.Strong || first.DataAtom == atom.B || first.DataAtom == atom.Em) {
		if t := strings.TrimSpace(textOf(first)); isReplyMark(t) {
			c.out = append(c.out, block{kind: marker, text: t})
			rest = first.NextSibling
		}
	} else if first != nil && first.Type == html.TextNode {
		if m := replyPrefix.FindStringSubmatchIndex(first.Data); m != nil && isReplyMark(first.Data[m[2]:m[3]]) {
			c.out = append(c.out, block{kind: marker, text: strings.TrimSpace(first.Data[m[2]:m[3]])})
			addText(&in, first.Data[m[1]:])
			rest = first.NextSibling
		}
	}
	for ch := rest; ch != nil; ch = ch.NextSibling {
		if ch.Type == html.ElementNode && isBlockAtom(ch.DataAtom) {
			// A block inside a <p> (the parser closes the <p> before most,
			// but not before every one): it stands on its own.
			c.cur = in
			c.flush()
			c.node(ch)
			in = inline{}
			continue
		}
		inlineNode(&in, ch)
	}
	c.cur = in
	c.flush()
}

func isBlockAtom(a atom.Atom) bool {
	switch a {
	case atom.Div, atom.Blockquote, atom.Ul, atom.Ol, atom.Pre, atom.Table, atom.Hr, atom.Figure,
		atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
}

// sub converts n's children as blocks of their own.
func sub(n *html.Node) []block {
	c := &converter{}
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		c.node(ch)
	}
	c.flush()
	return c.out
}

func listBlock(n *html.Node, depth int) (block, bool) {
	var md, text []string
	num := 0
	for li := n.FirstChild; li != nil; li = li.NextSibling {
		if li.DataAtom != atom.Li {
			continue
		}
		num++
		var in inline
		var nested []block
		for ch := li.FirstChild; ch != nil; ch = ch.NextSibling {
			if ch.DataAtom == atom.Ul || ch.DataAtom == atom.Ol {
				if b, ok := listBlock(ch, depth+1); ok {
					nested = append(nested, b)
				}
				continue
			}
			if ch.DataAtom == atom.P {
				if !in.empty() {
					in.md.WriteString(" ")
					in.text.WriteString(" ")
				}
				inlineChildren(&in, ch)
				continue
			}
			inlineNode(&in, ch)
		}
		mark := "- "
		if n.DataAtom == atom.Ol {
			mark = itoa(num) + ". "
		}
		indent := strings.Repeat("   ", depth)
		if item := oneLine(tidy(in.md.String())); item != "" {
			md = append(md, indent+mark+item)
			text = append(text, indent+"– "+oneLine(tidy(in.text.String())))
		}
		for _, b := range nested {
			md = append(md, b.md)
			text = append(text, b.text)
		}
	}
	if len(md) == 0 {
		return block{}, false
	}
	return block{kind: list, md: strings.Join(md, "\n"), text: strings.Join(text, "\n")}, true
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n)) // #nosec G115 -- n is a list item number from 1 to 9 here
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// inlineChildren adds n's children as inline content.
func inlineChildren(in *inline, n *html.Node) {
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		inlineNode(in, ch)
	}
}

func inlineNode(in *inline, n *html.Node) {
	switch n.Type {
	case html.TextNode:
		addText(in, strings.ReplaceAll(n.Data, "\n", " "))
		return
	case html.ElementNode:
	default:
		inlineChildren(in, n)
		return
	}
	if dropped[n.DataAtom] {
		return
	}
	wrap := func(mark string) {
		var inner inline
		inlineChildren(&inner, n)
		md, text := strings.TrimSpace(inner.md.String()), inner.text.String()
		if md == "" {
			return
		}
		lead := ""
		if s := inner.text.String(); strings.HasPrefix(s, " ") {
			lead = " "
		}
		trail := ""
		if strings.HasSuffix(text, " ") {
			trail = " "
		}
		in.md.WriteString(lead + mark + md + mark + trail)
		in.text.WriteString(text)
	}
	switch n.DataAtom {
	case atom.Em, atom.I, atom.Cite, atom.Dfn, atom.Var:
		wrap("*")
	case atom.Strong, atom.B:
		wrap("**")
	case atom.Del, atom.S, atom.Strike:
		wrap("~~")
	case atom.Code, atom.Kbd, atom.Samp, atom.Tt:
		t := textOf(n)
		if strings.TrimSpace(t) == "" {
			return
		}
		fence := "`"
		for strings.Contains(t, fence) {
			fence += "`"
		}
		in.md.WriteString(fence + t + fence)
		in.text.WriteString(t)
	case atom.Q:
		in.md.WriteString("“")
		in.text.WriteString("“")
		inlineChildren(in, n)
		in.md.WriteString("”")
		in.text.WriteString("”")
	case atom.Br:
		in.md.WriteString("\\\n")
		in.text.WriteString("\n")
	case atom.Img:
		// Media are not imported; a picture's words are.
		for _, a := range n.Attr {
			if a.Key == "alt" && strings.TrimSpace(a.Val) != "" {
				addText(in, "["+strings.TrimSpace(a.Val)+"]")
			}
		}
	case atom.A:
		href := ""
		for _, a := range n.Attr {
			if a.Key == "href" {
				href = strings.TrimSpace(a.Val)
			}
		}
		var inner inline
		inlineChildren(&inner, n)
		md, text := strings.TrimSpace(inner.md.String()), strings.TrimSpace(inner.text.String())
		if !safeHref(href) {
			in.md.WriteString(md)
			in.text.WriteString(text)
			return
		}
		if md == "" {
			md, text = escapeMD(href), href
		}
		in.md.WriteString("[" + md + "](<" + strings.NewReplacer("<", "%3C", ">", "%3E", " ", "%20").Replace(href) + ">)")
		if text == href || strings.TrimPrefix(href, "mailto:") == text {
			in.text.WriteString(text)
		} else {
			in.text.WriteString(text + " (" + strings.TrimPrefix(href, "mailto:") + ")")
		}
	default:
		// span, font, u, abbr, small, sup, sub, mark, label, and anything
		// unknown: their words, without their markup.
		inlineChildren(in, n)
	}
}

// safeHref: only web and mail links survive.
func safeHref(href string) bool {
	l := strings.ToLower(href)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "mailto:")
}

// addText adds a run of text, folding spaces (but keeping one space
// between words that meet across elements).
func addText(in *inline, s string) {
	if s == "" {
		return
	}
	prev := in.text.String()
	atStart := prev == "" || strings.HasSuffix(prev, "\n") || strings.HasSuffix(prev, " ")
	words := strings.Fields(s)
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	if (len(words) == 0 || unicode.IsSpace(first)) && !atStart {
		in.md.WriteString(" ")
		in.text.WriteString(" ")
	}
	if len(words) == 0 {
		return
	}
	joined := strings.Join(words, " ")
	in.md.WriteString(escapeMD(joined))
	in.text.WriteString(joined)
	if unicode.IsSpace(last) {
		in.md.WriteString(" ")
		in.text.WriteString(" ")
	}
}

// textOf is all the text under n, as it stands.
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		if n.Type == html.ElementNode && dropped[n.DataAtom] {
			return
		}
		if n.DataAtom == atom.Br {
			b.WriteString("\n")
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	walk(n)
	return b.String()
}

// mdSpecial are the characters Markdown may read as markup anywhere in a
// line; escaping them keeps a writer's "*sigh*" and "[sic]" as typed.
var mdSpecial = strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`, "<", `\<`, ">", `\>`, "~", `\~`)

func escapeMD(s string) string { return mdSpecial.Replace(s) }

var mdUnescape = regexp.MustCompile(`\\([\\*_\x60\[\]<>~#+\-.)!=|])`)

func unescapeMD(s string) string { return mdUnescape.ReplaceAllString(s, "$1") }

// lineStart finds what Markdown reads as a heading, a list item or a rule
// when it opens a line.
var lineStart = regexp.MustCompile(`(?m)^([#=+\-]|\d+[.)])(\s|$)`)

// tidy trims a paragraph, and a line break it ends with.
func tidy(s string) string {
	return strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "\\"))
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\\\n", " ")), " ")
}

func prefixLines(s, prefix string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l == "" {
			lines[i] = strings.TrimSpace(prefix)
		} else {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n")
}

func joinMD(bs []block) string {
	var parts []string
	for _, b := range bs {
		switch b.kind {
		case marker:
			continue
		case para:
			parts = append(parts, lineStart.ReplaceAllString(b.md, `\$1$2`))
		default:
			parts = append(parts, b.md)
		}
	}
	return strings.Join(parts, "\n\n")
}

func joinText(bs []block) string {
	var parts []string
	for _, b := range bs {
		if b.kind == marker || b.kind == rule || b.text == "" {
			continue
		}
		parts = append(parts, b.text)
	}
	return strings.Join(parts, "\n\n")
}
