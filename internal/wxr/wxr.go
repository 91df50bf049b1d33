// Package wxr reads a WordPress export (WXR, the file Tools › Export
// writes): the site, its authors and categories, and each post with its
// comments. It streams, one post at a time, so an export of any size is
// read in little memory, and it refuses what no WordPress writes (declared
// XML entities, the "billion laughs" bomb) before reading further. It knows
// nothing of Confide's database: the service decides what a post becomes.
package wxr

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Site is what the export says about the WordPress site, from the channel's
// head (everything before the first post).
type Site struct {
	Title   string
	BaseURL string // wp:base_site_url, or the channel's link
	Version string // wp:wxr_version
}

// Author is one wp:author of the channel.
type Author struct {
	Login       string
	DisplayName string
}

// Category is one wp:category of the channel.
type Category struct {
	ID          int64
	Slug        string // category_nicename
	Name        string
	Description string
}

// Post is one item: a post, a page, an attachment or a menu entry
// (Type tells which).
type Post struct {
	ID             int64
	Title          string // entities decoded, tags removed
	Link           string
	Creator        string // dc:creator: an author's login
	Content        string // content:encoded, HTML
	Slug           string // wp:post_name, percent-decoded
	Status         string // publish, draft, pending, private, future, trash, …
	Type           string // post, page, attachment, nav_menu_item, …
	Password       bool   // the post was password-protected
	CommentsClosed bool
	Date           time.Time // publication (GMT when the export has it)
	LocalDate      time.Time // the site's own clock, as its date permalinks use
	Modified       time.Time
	Categories     []PostCategory
	Comments       []Comment
}

// PostCategory is a category a post is filed under.
type PostCategory struct {
	Slug string
	Name string
}

// Comment is one wp:comment of a post.
type Comment struct {
	ID       int64
	Author   string
	Email    string
	Date     time.Time
	Content  string // HTML as WordPress keeps it
	Approved string // "1", "0", "spam", "trash", "post-trashed"
	Type     string // "", "comment", "pingback", "trackback"
	ParentID int64
}

// Handler hears what Read finds, in the file's order: the site and its
// authors and categories once, before the first post, then each post.
// An error it returns stops the read and is returned by Read.
type Handler struct {
	Head func(site Site, authors []Author, categories []Category) error
	Post func(p Post) error
}

// Error is a problem with the file itself, with the line where it was met.
type Error struct {
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}

// Read reads a WXR document from r and calls h for what it finds.
func Read(r io.Reader, h Handler) error {
	d := xml.NewDecoder(r)
	// Exports written by plugins or hand-edited sometimes carry HTML's
	// named entities outside CDATA; they mean what they mean in HTML.
	d.Entity = xml.HTMLEntity
	line := func() int { l, _ := d.InputPos(); return l }
	fail := func(err error) error {
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			if strings.HasPrefix(se.Msg, "unexpected EOF") {
				return &Error{Line: se.Line, Msg: "the file ends in the middle of the XML (cut short?)"}
			}
			return &Error{Line: se.Line, Msg: "not well-formed XML: " + se.Msg}
		}
		if err == io.ErrUnexpectedEOF {
			return &Error{Line: line(), Msg: "the file ends in the middle of the XML (cut short?)"}
		}
		return err
	}

	var site Site
	var authors []Author
	var categories []Category
	sawRSS, sawChannel, headDone := false, false, false
	head := func() error {
		if headDone {
			return nil
		}
		headDone = true
		if !sawChannel {
			return &Error{Line: line(), Msg: "no <channel>: this is not a WordPress export (WXR)"}
		}
		if h.Head != nil {
			return h.Head(site, authors, categories)
		}
		return nil
	}
	depth := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fail(err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			// WordPress writes no DOCTYPE. One that declares entities is
			// how an entity bomb starts: refuse it before any is used.
			if strings.Contains(strings.ToUpper(string(t)), "ENTITY") {
				return &Error{Line: line(), Msg: "the file declares XML entities (<!ENTITY …>), which no WordPress export does; refused"}
			}
		case xml.EndElement:
			depth--
		case xml.StartElement:
			depth++
			switch {
			case depth == 1:
				if t.Name.Local != "rss" {
					return &Error{Line: line(), Msg: fmt.Sprintf("the document is <%s>, not <rss>: this is not a WordPress export (WXR)", t.Name.Local)}
				}
				sawRSS = true
			case depth == 2 && t.Name.Local == "channel":
				sawChannel = true
			case depth == 3 && t.Name.Local == "item":
				if err := head(); err != nil {
					return err
				}
				var it item
				if err := d.DecodeElement(&it, &t); err != nil {
					return fail(err)
				}
				depth--
				p, err := it.post()
				if err != nil {
					return &Error{Line: line(), Msg: err.Error()}
				}
				if h.Post != nil {
					if err := h.Post(p); err != nil {
						return err
					}
				}
			case depth == 3 && isWP(t.Name):
				var err error
				switch t.Name.Local {
				case "author":
					var a author
					err = d.DecodeElement(&a, &t)
					authors = append(authors, Author{Login: strings.TrimSpace(a.Login), DisplayName: strings.TrimSpace(a.DisplayName)})
				case "category":
					var c category
					err = d.DecodeElement(&c, &t)
					categories = append(categories, Category{ID: c.ID, Slug: decodeSlug(c.Nicename),
						Name: cleanTitle(c.Name), Description: strings.TrimSpace(c.Description)})
				case "base_site_url":
					err = d.DecodeElement(&site.BaseURL, &t)
				case "wxr_version":
					err = d.DecodeElement(&site.Version, &t)
				default:
					err = d.Skip()
				}
				if err != nil {
					return fail(err)
				}
				depth--
			case depth == 3 && t.Name.Space == "" && t.Name.Local == "title":
				if err := d.DecodeElement(&site.Title, &t); err != nil {
					return fail(err)
				}
				site.Title = cleanTitle(site.Title)
				depth--
			case depth == 3 && t.Name.Space == "" && t.Name.Local == "link":
				var link string
				if err := d.DecodeElement(&link, &t); err != nil {
					return fail(err)
				}
				if site.BaseURL == "" {
					site.BaseURL = strings.TrimSpace(link)
				}
				depth--
			}
		}
	}
	if !sawRSS {
		return &Error{Msg: "the file is empty or holds no XML"}
	}
	if !sawChannel {
		return &Error{Msg: "no <channel>: this is not a WordPress export (WXR)"}
	}
	if site.Version == "" {
		return &Error{Msg: "no wp:wxr_version: this RSS file is not a WordPress export (WXR)"}
	}
	return head()
}

// isWP reports whether name is in one of WordPress's export namespaces
// (http://wordpress.org/export/1.0/ to 1.2/).
func isWP(name xml.Name) bool {
	return strings.HasPrefix(name.Space, "http://wordpress.org/export/") && !strings.HasSuffix(name.Space, "/excerpt/")
}

// The shapes of the XML. Tags without a namespace match the local name in
// any namespace, so every WXR version (1.0–1.2) reads alike.
type (
	author struct {
		Login       string `xml:"author_login"`
		DisplayName string `xml:"author_display_name"`
	}
	category struct {
		ID          int64  `xml:"term_id"`
		Nicename    string `xml:"category_nicename"`
		Name        string `xml:"cat_name"`
		Description string `xml:"category_description"`
	}
	item struct {
		Title         string `xml:"title"`
		Link          string `xml:"link"`
		Creator       string `xml:"http://purl.org/dc/elements/1.1/ creator"`
		Content       string `xml:"http://purl.org/rss/1.0/modules/content/ encoded"`
		PostID        string `xml:"post_id"`
		PostDate      string `xml:"post_date"`
		PostDateGMT   string `xml:"post_date_gmt"`
		Modified      string `xml:"post_modified"`
		ModifiedGMT   string `xml:"post_modified_gmt"`
		PubDate       string `xml:"pubDate"`
		CommentStatus string `xml:"comment_status"`
		PostName      string `xml:"post_name"`
		Status        string `xml:"status"`
		PostType      string `xml:"post_type"`
		Password      string `xml:"post_password"`
		Categories    []struct {
			Domain   string `xml:"domain,attr"`
			Nicename string `xml:"nicename,attr"`
			Name     string `xml:",chardata"`
		} `xml:"category"`
		Comments []struct {
			ID       string `xml:"comment_id"`
			Author   string `xml:"comment_author"`
			Email    string `xml:"comment_author_email"`
			Date     string `xml:"comment_date"`
			DateGMT  string `xml:"comment_date_gmt"`
			Content  string `xml:"comment_content"`
			Approved string `xml:"comment_approved"`
			Type     string `xml:"comment_type"`
			Parent   string `xml:"comment_parent"`
		} `xml:"comment"`
	}
)

// post turns the XML's strings into a Post.
func (it *item) post() (Post, error) {
	id, err := number(it.PostID)
	if err != nil || id <= 0 {
		return Post{}, fmt.Errorf("an item without a valid wp:post_id (%q)", it.PostID)
	}
	p := Post{
		ID:             id,
		Title:          cleanTitle(it.Title),
		Link:           strings.TrimSpace(it.Link),
		Creator:        strings.TrimSpace(it.Creator),
		Content:        it.Content,
		Slug:           decodeSlug(it.PostName),
		Status:         strings.TrimSpace(it.Status),
		Type:           strings.TrimSpace(it.PostType),
		Password:       strings.TrimSpace(it.Password) != "",
		CommentsClosed: strings.TrimSpace(it.CommentStatus) == "closed",
		Date:           when(it.PostDateGMT, it.PostDate, it.PubDate),
		LocalDate:      when(it.PostDate, "", it.PubDate),
		Modified:       when(it.ModifiedGMT, it.Modified, ""),
	}
	if p.Type == "" {
		p.Type = "post"
	}
	for _, c := range it.Categories {
		if c.Domain == "category" {
			p.Categories = append(p.Categories, PostCategory{Slug: decodeSlug(c.Nicename), Name: cleanTitle(c.Name)})
		}
	}
	for _, c := range it.Comments {
		cid, err := number(c.ID)
		if err != nil || cid <= 0 {
			return Post{}, fmt.Errorf("post %d: a comment without a valid wp:comment_id (%q)", id, c.ID)
		}
		parent, _ := number(c.Parent)
		p.Comments = append(p.Comments, Comment{
			ID: cid, Author: strings.TrimSpace(c.Author), Email: strings.TrimSpace(c.Email),
			Date: when(c.DateGMT, c.Date, ""), Content: c.Content, Approved: strings.TrimSpace(c.Approved),
			Type: strings.TrimSpace(c.Type), ParentID: parent,
		})
	}
	return p, nil
}

func number(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	return strconv.ParseInt(s, 10, 64)
}

// when reads the first usable of WordPress's times: a GMT "2006-01-02
// 15:04:05", a local one of the same form (read as UTC: the export does
// not say the site's zone), or an RSS pubDate. WordPress writes
// "0000-00-00 00:00:00" for a time it does not have.
func when(gmt, local, rss string) time.Time {
	for _, s := range []string{gmt, local} {
		s = strings.TrimSpace(s)
		if s == "" || strings.HasPrefix(s, "0000") {
			continue
		}
		if t, err := time.Parse("2006-01-02 15:04:05", s); err == nil {
			return t.UTC()
		}
	}
	if t, err := time.Parse(time.RFC1123Z, strings.TrimSpace(rss)); err == nil && t.Year() > 1970 {
		return t.UTC()
	}
	return time.Time{}
}
