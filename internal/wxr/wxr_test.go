package wxr

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func readAll(t *testing.T, data []byte) (Site, []Author, []Category, []Post, error) {
	t.Helper()
	var site Site
	var authors []Author
	var cats []Category
	var posts []Post
	err := Read(bytes.NewReader(data), Handler{
		Head: func(s Site, a []Author, c []Category) error { site, authors, cats = s, a, c; return nil },
		Post: func(p Post) error { posts = append(posts, p); return nil },
	})
	return site, authors, cats, posts, err
}

func TestReadSite(t *testing.T) {
	data, err := os.ReadFile("testdata/site.xml")
	if err != nil {
		t.Fatal(err)
	}
	site, authors, cats, posts, err := readAll(t, data)
	if err != nil {
		t.Fatal(err)
	}
	if site.Title != "Kind Words & Letters" || site.BaseURL != "https://letters.example.org" || site.Version != "1.2" {
		t.Errorf("site %+v", site)
	}
	if len(authors) != 2 || authors[0] != (Author{Login: "margit", DisplayName: "Margit"}) {
		t.Errorf("authors %+v", authors)
	}
	if len(cats) != 3 || cats[1] != (Category{ID: 4, Slug: "work-and-money", Name: "Work & money"}) {
		t.Errorf("categories %+v", cats)
	}
	if len(posts) != 8 {
		t.Fatalf("%d posts", len(posts))
	}
	p := posts[0]
	if p.ID != 101 || p.Title != "The evenings are the hardest" || p.Creator != "margit" || p.Slug != "the-evenings-are-the-hardest" ||
		p.Status != "publish" || p.Type != "post" || p.CommentsClosed || p.Password {
		t.Errorf("first post %+v", p)
	}
	if !p.Date.Equal(time.Date(2019, 11, 4, 18, 30, 0, 0, time.UTC)) || !p.Modified.Equal(time.Date(2019, 11, 6, 7, 0, 0, 0, time.UTC)) {
		t.Errorf("dates %v %v", p.Date, p.Modified)
	}
	if len(p.Categories) != 1 || p.Categories[0] != (PostCategory{Slug: "loneliness", Name: "Loneliness"}) {
		t.Errorf("categories %+v (tags are not categories)", p.Categories)
	}
	if len(p.Comments) != 8 {
		t.Fatalf("%d comments", len(p.Comments))
	}
	c := p.Comments[2]
	if c.ID != 502 || c.Author != "Bram" || c.Email != "bram@example.com" || c.ParentID != 501 || c.Approved != "1" ||
		!c.Date.Equal(time.Date(2019, 11, 5, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("comment %+v", c)
	}
	if p.Comments[5].Type != "pingback" || p.Comments[4].Approved != "spam" {
		t.Errorf("kinds %+v", p.Comments[4:6])
	}
	if !posts[1].CommentsClosed {
		t.Error("closed comments not read")
	}
	// A draft has no GMT date: its local one is used.
	if d := posts[3]; d.Status != "draft" || !d.Date.Equal(time.Date(2020, 4, 2, 10, 0, 0, 0, time.UTC)) || d.Slug != "" {
		t.Errorf("draft %+v", d)
	}
	if posts[4].Slug != "über-das-heimweh" || posts[4].Title != "Über das Heimweh" {
		t.Errorf("non-ASCII slug %q", posts[4].Slug)
	}
	if posts[5].Type != "page" || posts[6].Type != "attachment" || posts[7].Status != "trash" {
		t.Errorf("types %q %q %q", posts[5].Type, posts[6].Type, posts[7].Status)
	}
}

func TestReadRefuses(t *testing.T) {
	good, err := os.ReadFile("testdata/site.xml")
	if err != nil {
		t.Fatal(err)
	}
	bomb, err := os.ReadFile("testdata/bomb.xml")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, data, want string
	}{
		{"entity bomb", string(bomb), "declares XML entities"},
		{"cut short", string(good[:len(good)/2]), "ends in the middle"},
		{"broken tag", strings.Replace(string(good), "</wp:post_id>", "</wp:post_idd>", 1), "not well-formed XML"},
		{"empty", "", "empty"},
		{"HTML", "<html><body>hello</body></html>", "not <rss>"},
		{"plain RSS", `<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>a</title></item></channel></rss>`, "without a valid wp:post_id"},
		{"RSS without posts", `<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>`, "not a WordPress export"},
		{"no channel", `<rss xmlns:wp="http://wordpress.org/export/1.2/"><wp:wxr_version>1.2</wp:wxr_version></rss>`, "no <channel>"},
		{"bad post id", strings.Replace(string(good), "<wp:post_id>102</wp:post_id>", "<wp:post_id>x</wp:post_id>", 1), "wp:post_id"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			posts := 0
			err := Read(strings.NewReader(c.data), Handler{Post: func(Post) error { posts++; return nil }})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v, want %q", err, c.want)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Errorf("%T is not a *wxr.Error", err)
			}
		})
	}
}

func TestOpen(t *testing.T) {
	good, err := os.ReadFile("testdata/site.xml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write(good)
	w.Close()
	gzPath := filepath.Join(dir, "export.xml.gz")
	os.WriteFile(gzPath, gz.Bytes(), 0o600)

	posts := func(path string, limit int64) (int, error) {
		r, err := Open(path, limit)
		if err != nil {
			return 0, err
		}
		defer r.Close()
		n := 0
		err = Read(r, Handler{Post: func(Post) error { n++; return nil }})
		return n, err
	}
	if n, err := posts(gzPath, 1<<20); err != nil || n != 8 {
		t.Errorf("gzip: %d posts, %v", n, err)
	}
	if n, err := posts("testdata/site.xml", int64(len(good))); err != nil || n != 8 {
		t.Errorf("exactly the limit: %d posts, %v", n, err)
	}
	if _, err := posts("testdata/site.xml", 1000); !errors.Is(err, ErrTooBig) {
		t.Errorf("file over the limit: %v", err)
	}
	// A small .gz that unpacks past the limit stops at the limit.
	if _, err := posts(gzPath, int64(gz.Len())+100); !errors.Is(err, ErrTooBig) {
		t.Errorf("gzip over the limit: %v", err)
	}
	if _, err := posts(dir, 1<<20); err == nil || !strings.Contains(err.Error(), "folder") {
		t.Errorf("a folder: %v", err)
	}
}
