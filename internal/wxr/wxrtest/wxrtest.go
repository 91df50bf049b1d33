// Package wxrtest writes WordPress exports of any size for tests and
// benchmarks: posts in the form WordPress 6 exports them (a letter, a bold
// "Rose's reply:" heading, the reply), in a few categories, each with
// comments of every kind an export holds (approved, waiting, spam,
// pingbacks, answers to answers).
package wxrtest

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"
)

// Options shape a generated export.
type Options struct {
	Posts    int
	Comments int // per post, on average
	Seed     uint64
	// CutAt, when set, ends the file after that many posts, in the middle
	// of an element: a broken export.
	CutAt int
}

var (
	categories = []string{"loneliness", "family", "work-and-money", "relationships", "grief"}
	words      = strings.Fields(`i you we she he it feel felt alone lonely tired sad afraid hope home work job money family
		mother father sister brother friend friends partner husband wife child children school night day morning evening
		week year years time talk talked listen write wrote call called miss missed love loved trust need want try tried
		help better worse every never always sometimes again still only really very little much more nothing something
		everyone nobody people city house room kitchen table phone letter words answer question sleep eat walk cry laugh
		kind gentle small quiet heavy light long short new old first last same different right wrong true`)
	names = []string{"Anna", "Bram", "Chiara", "Dev", "Elif", "Femi", "Greta", "Hugo", "Ines", "Jonas", "Kai", "Lena"}
)

// Write writes an export to w.
func Write(w io.Writer, o Options) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	r := rand.New(rand.NewPCG(o.Seed, 7)) // #nosec G404 -- deterministic test data, not a secret
	sentence := func(n int) string {
		ws := make([]string, n)
		for i := range ws {
			ws[i] = words[r.IntN(len(words))]
		}
		s := strings.Join(ws, " ")
		return strings.ToUpper(s[:1]) + s[1:] + "."
	}
	paragraph := func() string {
		var ss []string
		for range 3 + r.IntN(4) {
			ss = append(ss, sentence(6+r.IntN(10)))
		}
		return strings.Join(ss, " ")
	}
	fmt.Fprint(bw, `<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
	<title>Generated letters</title>
	<link>https://generated.example.org</link>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>https://generated.example.org</wp:base_site_url>
	<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[rose]]></wp:author_login><wp:author_display_name><![CDATA[Rose]]></wp:author_display_name></wp:author>
`)
	for i, c := range categories {
		fmt.Fprintf(bw, "\t<wp:category><wp:term_id>%d</wp:term_id><wp:category_nicename><![CDATA[%s]]></wp:category_nicename><wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[%s]]></wp:cat_name></wp:category>\n",
			i+2, c, strings.ToUpper(c[:1])+strings.ReplaceAll(c[1:], "-", " "))
	}
	start := time.Date(2015, 1, 1, 9, 0, 0, 0, time.UTC)
	commentID := int64(1000)
	for p := 1; p <= o.Posts; p++ {
		if o.CutAt > 0 && p > o.CutAt {
			fmt.Fprint(bw, "\t<item>\n\t\t<title><![CDATA[Cut sho")
			return bw.Flush()
		}
		date := start.Add(time.Duration(p) * 7 * time.Hour)
		cat := categories[r.IntN(len(categories))]
		title := sentence(4 + r.IntN(4))
		title = strings.TrimSuffix(title, ".")
		slug := fmt.Sprintf("letter-%d-%s", p, strings.ToLower(strings.Join(strings.Fields(title)[:2], "-")))
		var content strings.Builder
		for range 2 + r.IntN(3) {
			fmt.Fprintf(&content, "<!-- wp:paragraph -->\n<p>%s</p>\n<!-- /wp:paragraph -->\n\n", paragraph())
		}
		content.WriteString("<!-- wp:paragraph -->\n<p><strong>Rose's reply:</strong></p>\n<!-- /wp:paragraph -->\n\n")
		for range 3 + r.IntN(4) {
			fmt.Fprintf(&content, "<!-- wp:paragraph -->\n<p>%s</p>\n<!-- /wp:paragraph -->\n\n", paragraph())
		}
		fmt.Fprintf(bw, `	<item>
		<title><![CDATA[%s]]></title>
		<link>https://generated.example.org/%04d/%02d/%02d/%s/</link>
		<pubDate>%s</pubDate>
		<dc:creator><![CDATA[rose]]></dc:creator>
		<guid isPermaLink="false">https://generated.example.org/?p=%d</guid>
		<description></description>
		<content:encoded><![CDATA[%s]]></content:encoded>
		<excerpt:encoded><![CDATA[]]></excerpt:encoded>
		<wp:post_id>%d</wp:post_id>
		<wp:post_date><![CDATA[%s]]></wp:post_date>
		<wp:post_date_gmt><![CDATA[%s]]></wp:post_date_gmt>
		<wp:post_modified><![CDATA[%s]]></wp:post_modified>
		<wp:post_modified_gmt><![CDATA[%s]]></wp:post_modified_gmt>
		<wp:comment_status><![CDATA[open]]></wp:comment_status>
		<wp:ping_status><![CDATA[open]]></wp:ping_status>
		<wp:post_name><![CDATA[%s]]></wp:post_name>
		<wp:status><![CDATA[publish]]></wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:menu_order>0</wp:menu_order>
		<wp:post_type><![CDATA[post]]></wp:post_type>
		<wp:post_password><![CDATA[]]></wp:post_password>
		<wp:is_sticky>0</wp:is_sticky>
		<category domain="category" nicename="%s"><![CDATA[%s]]></category>
`, title, date.Year(), date.Month(), date.Day(), slug, date.Format(time.RFC1123Z), p, content.String(), p,
			date.Format(time.DateTime), date.Format(time.DateTime), date.Format(time.DateTime), date.Format(time.DateTime), slug, cat, cat)
		n := 0
		if o.Comments > 0 {
			n = r.IntN(2*o.Comments + 1)
		}
		first := commentID + 1
		for c := 0; c < n; c++ {
			commentID++
			approved, kind, parent := "1", "comment", int64(0)
			switch x := r.IntN(100); {
			case x < 5:
				approved = "0"
			case x < 8:
				approved = "spam"
			case x < 9:
				kind = "pingback"
			case x < 40 && commentID > first:
				parent = first + r.Int64N(commentID-first)
			}
			when := date.Add(time.Duration(c+1) * 37 * time.Minute)
			name := names[r.IntN(len(names))]
			fmt.Fprintf(bw, `		<wp:comment>
			<wp:comment_id>%d</wp:comment_id>
			<wp:comment_author><![CDATA[%s]]></wp:comment_author>
			<wp:comment_author_email><![CDATA[%s@example.com]]></wp:comment_author_email>
			<wp:comment_author_url></wp:comment_author_url>
			<wp:comment_author_IP><![CDATA[192.0.2.1]]></wp:comment_author_IP>
			<wp:comment_date><![CDATA[%s]]></wp:comment_date>
			<wp:comment_date_gmt><![CDATA[%s]]></wp:comment_date_gmt>
			<wp:comment_content><![CDATA[%s]]></wp:comment_content>
			<wp:comment_approved><![CDATA[%s]]></wp:comment_approved>
			<wp:comment_type><![CDATA[%s]]></wp:comment_type>
			<wp:comment_parent>%d</wp:comment_parent>
			<wp:comment_user_id>0</wp:comment_user_id>
		</wp:comment>
`, commentID, name, strings.ToLower(name), when.Format(time.DateTime), when.Format(time.DateTime), sentence(8+r.IntN(20)),
				approved, kind, parent)
		}
		fmt.Fprint(bw, "\t</item>\n")
	}
	fmt.Fprint(bw, "</channel>\n</rss>\n")
	return bw.Flush()
}
