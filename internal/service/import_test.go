package service_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
	"github.com/confide/confide/internal/wxr/wxrtest"
)

// fromBytes is an export held in memory.
func fromBytes(name string, data []byte) service.ImportSource {
	return service.ImportSource{Name: name, Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
}

// tally counts what an import may write.
func tally(t *testing.T, db *database.DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"stories", "comments", "sections", "old_links", "imported"} {
		var n int
		if err := db.Read.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

func sameTally(t *testing.T, what string, got, want map[string]int) {
	t.Helper()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %d %s, want %d", what, got[k], k, v)
		}
	}
}

func TestImportTwiceChangesNothing(t *testing.T) {
	site, err := os.ReadFile("../wxr/testdata/site.xml")
	if err != nil {
		t.Fatal(err)
	}
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		svc, _ := newService(t, db) // has a section work-and-money
		first, err := svc.ImportWordPress(ctx, fromBytes("site.xml", site), nil)
		if err != nil {
			t.Fatal(err)
		}
		if first.Stories != 5 || first.Comments != 5 || first.Sections != 2 || first.Posts != 6 {
			t.Errorf("first run %+v", first)
		}
		after := tally(t, db)
		again, err := svc.ImportWordPress(ctx, fromBytes("site.xml", site), nil)
		if err != nil {
			t.Fatal(err)
		}
		if again.Stories != 0 || again.Comments != 0 || again.Sections != 0 || again.Existing != 5 {
			t.Errorf("second run %+v", again)
		}
		sameTally(t, "after the second run", tally(t, db), after)

		// A newer export of the same site brings its new comment only, as
		// an answer in its thread (to Bram, who answered Liisa: so to Liisa).
		newer := strings.Replace(string(site), "</item>", `<wp:comment><wp:comment_id>600</wp:comment_id>
			<wp:comment_author><![CDATA[Noor]]></wp:comment_author><wp:comment_author_email>noor@example.com</wp:comment_author_email>
			<wp:comment_date_gmt>2024-01-01 10:00:00</wp:comment_date_gmt><wp:comment_content><![CDATA[A year on, this still helps.]]></wp:comment_content>
			<wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment</wp:comment_type><wp:comment_parent>502</wp:comment_parent>
			</wp:comment></item>`, 1)
		third, err := svc.ImportWordPress(ctx, fromBytes("newer.xml", []byte(newer)), nil)
		if err != nil {
			t.Fatal(err)
		}
		if third.Comments != 1 || third.Stories != 0 {
			t.Errorf("newer export %+v", third)
		}
		var parent, root int64
		if err := db.Read.QueryRow(`SELECT c.parent_id, (SELECT id FROM comments WHERE author_name = 'Liisa')
			FROM comments c WHERE c.author_name = 'Noor'`).Scan(&parent, &root); err != nil {
			t.Fatal(err)
		}
		if parent != root {
			t.Errorf("the new answer's parent is %d, want the thread's first comment %d", parent, root)
		}
		var runs, done int
		db.Read.QueryRow(`SELECT count(*), sum(CASE WHEN status = 'done' THEN 1 ELSE 0 END) FROM imports`).Scan(&runs, &done)
		if runs != 3 || done != 3 {
			t.Errorf("%d runs recorded, %d done", runs, done)
		}
	})
}

// An import that fails while writing (here the file changes under it and
// breaks half way) removes what it had written, batch after batch, and
// says so; a file that is broken from the start is refused before anything
// is written.
func TestFailedImportLeavesNothing(t *testing.T) {
	var whole, cut bytes.Buffer
	if err := wxrtest.Write(&whole, wxrtest.Options{Posts: 180, Comments: 6, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	if err := wxrtest.Write(&cut, wxrtest.Options{Posts: 180, Comments: 6, Seed: 3, CutAt: 140}); err != nil {
		t.Fatal(err)
	}
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		svc, _ := newService(t, db)
		before := tally(t, db)

		_, err := svc.ImportWordPress(ctx, fromBytes("cut.xml", cut.Bytes()), nil)
		if model.ErrorCode(err) != model.EINVALID || !strings.Contains(err.Error(), "ends in the middle") {
			t.Fatalf("broken file: %v", err)
		}
		var runs int
		db.Read.QueryRow(`SELECT count(*) FROM imports`).Scan(&runs)
		if runs != 0 {
			t.Errorf("a file refused at the check left %d runs", runs)
		}
		sameTally(t, "after a refused file", tally(t, db), before)

		opened := 0
		changing := service.ImportSource{Name: "changing.xml", Open: func() (io.ReadCloser, error) {
			opened++
			if opened == 1 {
				return io.NopCloser(bytes.NewReader(whole.Bytes())), nil
			}
			return io.NopCloser(bytes.NewReader(cut.Bytes())), nil
		}}
		var written atomic.Int64
		_, err = svc.ImportWordPress(ctx, changing, func(done, total int) { written.Store(int64(done)) })
		if err == nil || !strings.Contains(err.Error(), "what it had written was removed") {
			t.Fatalf("failure while writing: %v", err)
		}
		if written.Load() < 100 {
			t.Fatalf("only %d posts were written before the failure: the test shows nothing", written.Load())
		}
		sameTally(t, "after a failed import", tally(t, db), before)
		var status, msg string
		if err := db.Read.QueryRow(`SELECT status, error FROM imports`).Scan(&status, &msg); err != nil {
			t.Fatal(err)
		}
		if status != model.ImportFailed || !strings.Contains(msg, "ends in the middle") {
			t.Errorf("run recorded as %q: %q", status, msg)
		}

		// The whole file then imports.
		rep, err := svc.ImportWordPress(ctx, fromBytes("whole.xml", whole.Bytes()), nil)
		if err != nil || rep.Stories != 180 {
			t.Fatalf("whole file: %+v, %v", rep, err)
		}
	})
}

// The import writes in batches: the site's own writes go on while it runs.
func TestImportLetsTheSiteWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "big.xml")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := wxrtest.Write(f, wxrtest.Options{Posts: 200, Comments: 4, Seed: 9}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		svc, sec := newService(t, db)
		started := make(chan struct{})
		var once sync.Once
		var during, total atomic.Int64
		importing := atomic.Bool{}
		importing.Store(true)
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-started
			for i := 0; importing.Load(); i++ {
				st := model.Story{Title: "Written while importing", Letter: "A letter.", Reply: "A reply.", SectionID: sec.ID, Status: model.StoryPublished}
				if err := svc.AddStory(ctx, &st); err != nil {
					t.Errorf("a write while importing: %v", err)
					return
				}
				if importing.Load() {
					during.Add(1)
				}
				total.Add(1)
			}
		}()
		rep, err := svc.ImportWordPress(ctx, service.ImportSource{Name: path, Open: func() (io.ReadCloser, error) { return os.Open(path) }},
			func(done, all int) { once.Do(func() { close(started) }) })
		importing.Store(false)
		once.Do(func() { close(started) })
		wg.Wait()
		if err != nil {
			t.Fatal(err)
		}
		if rep.Stories != 200 {
			t.Errorf("%d stories imported", rep.Stories)
		}
		if during.Load() == 0 {
			t.Error("no write of the site got through while the import ran")
		}
		var n int
		db.Read.QueryRow(`SELECT count(*) FROM stories WHERE title = 'Written while importing'`).Scan(&n)
		if int64(n) != total.Load() {
			t.Errorf("%d written, %d stored", total.Load(), n)
		}
	})
}
