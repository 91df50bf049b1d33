package service_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
	"github.com/confide/confide/internal/store"
)

// On PostgreSQL a comment's page change can commit after a newer one (its
// transaction took longer): new comments and approvals wait for each other
// on the kept counts, but the edit of a published comment does not. Another
// instance that already read the newer change must still learn of the
// older one, or a stale story page would stay cached.
func TestLateCommittedPageChangeIsLearnt(t *testing.T) {
	db := dbtest.Postgres(t)
	ctx := context.Background()
	writer, sec := newService(t, db)
	var a, b model.Story
	for i, st := range []*model.Story{&a, &b} {
		*st = model.Story{Title: []string{"First story", "Second story"}[i], Letter: "l", SectionID: sec.ID, Status: model.StoryPublished}
		if err := writer.AddStory(ctx, st); err != nil {
			t.Fatal(err)
		}
	}
	// Another instance on the same database.
	other := service.New(store.New(db), service.Options{Now: func() time.Time { return now }})
	before, err := other.ContentState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st := store.New(db)
	edited := model.Comment{StoryID: a.ID, AuthorName: "Late", Body: "slow", Status: model.CommentApproved, CreatedAt: now}
	if err := st.CreateComment(ctx, &edited); err != nil {
		t.Fatal(err)
	}
	before, err = other.ContentState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(service.VersionMaxAge + 10*time.Millisecond)
	if before, err = other.ContentState(ctx); err != nil {
		t.Fatal(err)
	}
	hold, release := make(chan struct{}), make(chan struct{})
	late := make(chan error, 1)
	go func() { // takes the older seq, commits last
		late <- st.InTx(ctx, func(ctx context.Context) error {
			edited.Body = "slow, edited"
			if err := st.UpdateComment(ctx, &edited); err != nil {
				return err
			}
			close(hold)
			<-release
			return nil
		})
	}()
	<-hold
	if err := st.CreateComment(ctx, &model.Comment{StoryID: b.ID, AuthorName: "Quick", Body: "fast",
		Status: model.CommentApproved, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(service.VersionMaxAge + 10*time.Millisecond) // the other instance's state is due for a read
	mid, err := other.ContentState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ids, complete := other.StoriesChanged(before.Changes, mid.Changes)
	if !complete || !slices.Equal(ids, []int64{b.ID}) {
		t.Fatalf("after the quick comment: %v %v", ids, complete)
	}
	close(release)
	if err := <-late; err != nil {
		t.Fatal(err)
	}
	time.Sleep(service.VersionMaxAge + 10*time.Millisecond)
	after, err := other.ContentState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ids, complete = other.StoriesChanged(mid.Changes, after.Changes)
	if !complete || !slices.Equal(ids, []int64{a.ID}) {
		t.Errorf("the late comment's story was not learnt: %v %v (%+v → %+v)", ids, complete, mid, after)
	}
}

// While one request reads the content state and the database is slow to
// answer, the others are served the state read last (it is only past its
// age) instead of all waiting: one slow read must not stall the site. After
// a change made through this process, a request waits for the read, so that
// the writer sees the change. PostgreSQL only: a lock on site_state is what
// makes the read slow (SQLite's readers never wait).
func TestSlowStateReadStallsNoOne(t *testing.T) {
	db := dbtest.Postgres(t)
	ctx := context.Background()
	newService(t, db)
	other := service.New(store.New(db), service.Options{Now: func() time.Time { return now }})
	last, err := other.ContentState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lock := func() (release func()) {
		tx, err := db.Write.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, `LOCK TABLE site_state IN ACCESS EXCLUSIVE MODE`); err != nil {
			t.Fatal(err)
		}
		var once sync.Once
		release = func() { once.Do(func() { _ = tx.Rollback() }) }
		t.Cleanup(release) // a failed test must not leave the lock held
		return release
	}
	// state calls ContentState in the background.
	state := func() chan model.ContentState {
		ch := make(chan model.ContentState, 1)
		go func() {
			v, err := other.ContentState(ctx)
			if err != nil {
				t.Error(err)
			}
			ch <- v
		}()
		return ch
	}
	// reading waits until a query of this test's database waits on a lock.
	reading := func() {
		for i := 0; ; i++ {
			var n int
			if err := db.Read.QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%site_state%'`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n > 0 {
				return
			}
			if i > 500 {
				t.Fatal("no read of the state is waiting on the lock")
			}
			time.Sleep(10 * time.Millisecond)
		}
	}

	release := lock()
	time.Sleep(service.VersionMaxAge + 10*time.Millisecond)
	first := state() // reads the database, and waits for the lock
	reading()
	select {
	case v := <-state():
		if v != last {
			t.Errorf("while another request reads: %+v, want the state read last %+v", v, last)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a request waited on another's slow read of the content state")
	}
	release()
	<-first

	// After a change made here, the next request must read the database.
	release = lock()
	other.ContentChanged()
	waiting := state()
	reading()
	select {
	case v := <-waiting:
		t.Fatalf("after a local change, served %+v without reading the database", v)
	case <-time.After(200 * time.Millisecond):
	}
	release()
	<-waiting
}
