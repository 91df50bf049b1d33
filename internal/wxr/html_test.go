package wxr

import (
	"strings"
	"testing"
)

func TestMarkdown(t *testing.T) {
	cases := []struct{ name, html, want string }{
		{"paragraphs without p (wpautop)", "First line\nsecond line\n\nNew paragraph.", "First line\\\nsecond line\n\nNew paragraph."},
		{"block editor", "<!-- wp:paragraph -->\n<p>One</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:paragraph -->\n<p>Two</p>\n<!-- /wp:paragraph -->", "One\n\nTwo"},
		{"emphasis", "<p>I am <em>so</em> <strong>tired</strong> of <b>this</b>.</p>", "I am *so* **tired** of **this**."},
		{"link", `<p>See <a href="https://example.org/a?b=1">this page</a>.</p>`, "See [this page](<https://example.org/a?b=1>)."},
		{"script link dropped", `<p><a href="javascript:alert(1)">click</a> here</p>`, "click here"},
		{"scripts and frames go", `<p>Hello</p><script>alert(1)</script><iframe src="x"></iframe><style>p{}</style><p>World</p>`, "Hello\n\nWorld"},
		{"markdown in text is kept as typed", "<p>*sigh* [sic] 1. not a list</p>", `\*sigh\* \[sic\] 1. not a list`},
		{"a line that would be a heading", "<p># not a heading</p>", `\# not a heading`},
		{"heading", "<h2>What helps</h2><p>Time.</p>", "## What helps\n\nTime."},
		{"h5 becomes h4", "<h5>Small</h5>", "#### Small"},
		{"list", "<ul><li>Eat</li><li>Sleep <em>well</em></li></ul>", "- Eat\n- Sleep *well*"},
		{"ordered nested list", "<ol><li>One<ul><li>a</li></ul></li><li>Two</li></ol>", "1. One\n   - a\n2. Two"},
		{"quote", "<blockquote><p>Be kind.</p><p>Always.</p></blockquote>", "> Be kind.\n>\n> Always."},
		{"rule", "<p>a</p><hr/><p>b</p>", "a\n\n* * *\n\nb"},
		{"br", "<p>line one<br>line two<br/></p>", "line one\\\nline two"},
		{"entities", "<p>caf&eacute; &amp; tea &#8211; fine</p>", "café & tea – fine"},
		{"caption shortcode and image", `[caption id="a"]<img src="x.jpg" alt="a lamp"> A lamp[/caption]`, `\[a lamp\] A lamp`},
		{"pre", "<pre>x = 1\n  y</pre>", "```\nx = 1\n  y\n```"},
		{"spans fold", "<p><span style=\"color:red\">red</span> <font>old</font></p>", "red old"},
		{"words meet across tags", "<p>no<em>space</em> here</p>", "no*space* here"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Markdown(c.html); got != c.want {
				t.Errorf("Markdown(%q)\n got %q\nwant %q", c.html, got, c.want)
			}
		})
	}
}

func TestPlainText(t *testing.T) {
	cases := []struct{ name, html, want string }{
		{"comment with paragraphs", "I eat standing up too.\n\nTonight I will sit <em>down</em>.", "I eat standing up too.\n\nTonight I will sit down."},
		{"link keeps its address", `Read <a href="https://example.org/x">this</a>`, "Read this (https://example.org/x)"},
		{"bare link", `<a href="https://example.org/">https://example.org/</a>`, "https://example.org/"},
		{"mail link", `<a href="mailto:a@example.org">a@example.org</a>`, "a@example.org"},
		{"no markup survives", `<b onclick="x()">bold</b> <img src=x onerror=alert(1)>`, "bold"},
		{"markdown characters stay", "2*3 = 6 and [this]", "2*3 = 6 and [this]"},
		{"list", "<ul><li>one</li><li>two</li></ul>", "– one\n– two"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := PlainText(c.html); got != c.want {
				t.Errorf("PlainText(%q)\n got %q\nwant %q", c.html, got, c.want)
			}
		})
	}
}

func TestSplit(t *testing.T) {
	cases := []struct {
		name, html    string
		letter, reply string // "" letter: not split
	}{
		{"bold reply heading", "<p>Dear Rose,</p><p>I am lonely.</p><p><strong>Rose's Reply:</strong></p><p>Dear Ann, you are not alone.</p>",
			"Dear Rose,\n\nI am lonely.", "Dear Ann, you are not alone."},
		{"bold heading opening the paragraph", "<p>I am lonely.</p><p><strong>Reply:</strong> Dear Ann, you are not alone.</p>",
			"I am lonely.", "Dear Ann, you are not alone."},
		{"plain prefix", "I am lonely.\n\nReply: Dear Ann, you are not alone.", "I am lonely.", "Dear Ann, you are not alone."},
		{"heading element", "<p>I am lonely.</p><h3>Our answer</h3><p>Dear Ann, you are not alone.</p>", "I am lonely.", "Dear Ann, you are not alone."},
		{"curly apostrophe", "<p>I am lonely.</p><h2>Margit’s response</h2><p>You are not alone.</p>", "I am lonely.", "You are not alone."},
		{"name replies", "<p>I am lonely.</p><p><b>Margit replies:</b></p><p>You are not alone.</p>", "I am lonely.", "You are not alone."},
		{"rule before Dear", "I am lonely.\n<hr />\nMore of the letter.\n<hr />\nDear Ann, you are not alone.",
			"I am lonely.\n\n* * *\n\nMore of the letter.", "Dear Ann, you are not alone."},
		{"rule alone", "<p>I am lonely.</p><hr><p>You are not alone.</p>", "I am lonely.", "You are not alone."},
		{"h2 alone", "<p>I am lonely.</p><h2>Being alone is not being lonely</h2><p>You are not alone.</p>",
			"I am lonely.", "## Being alone is not being lonely\n\nYou are not alone."},
		{"nothing marks it", "<p>Winter is coming.</p><p>Write to us.</p>", "", "Winter is coming.\n\nWrite to us."},
		{"a letter that asks for advice is not split", "<p>I need your advice:</p><p>what do I do?</p>", "", "I need your advice:\n\nwhat do I do?"},
		{"a rule at the very end is no split", "<p>I am lonely.</p><hr>", "", "I am lonely.\n\n* * *"},
		{"a heading first is no split", "<h2>Reply</h2><p>Only a reply here.</p>", "", "Only a reply here."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			letter, reply, ok := Split(c.html)
			if ok != (c.letter != "") {
				t.Errorf("split %v, want %v", ok, c.letter != "")
			}
			// The plain letter keeps a rule as a gap; compare without it.
			wantLetter := strings.ReplaceAll(c.letter, "\n\n* * *", "")
			if letter != wantLetter || reply != c.reply {
				t.Errorf("Split(%q)\n letter %q\n  want  %q\n reply  %q\n  want  %q", c.html, letter, wantLetter, reply, c.reply)
			}
		})
	}
}

func TestReplyMark(t *testing.T) {
	yes := []string{"Reply", "Reply:", "Rose's reply:", "ROSE’S REPLY", "Our answer", "The advisor's response", "Answer from Rose",
		"Margit replies:", "Rose writes back", "My advice"}
	no := []string{"I need your advice", "Please reply soon", "Dear Rose", "What is the answer to loneliness, when nobody answers my calls and the days go by one after another?",
		"The reply I never got from my father", ""}
	for _, s := range yes {
		if !isReplyMark(s) {
			t.Errorf("%q not read as a reply heading", s)
		}
	}
	for _, s := range no {
		if isReplyMark(s) {
			t.Errorf("%q read as a reply heading", s)
		}
	}
}
