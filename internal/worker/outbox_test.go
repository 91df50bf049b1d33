package worker_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	netmail "net/mail"
	"sync"
	"testing"
	"time"

	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/mail"
	"github.com/confide/confide/internal/mail/smtptest"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
	"github.com/confide/confide/internal/store"
	"github.com/confide/confide/internal/worker"
)

func setup(t *testing.T, db *database.DB) (*service.Service, *smtptest.Server, *mail.SMTP) {
	t.Helper()
	svc := service.New(store.New(db), service.Options{BaseURL: "https://confide.example", MailRetryBase: 10 * time.Millisecond})
	srv := smtptest.Start(t)
	m, err := mail.ParseURL("smtp://"+srv.Addr, "letters@confide.example", "Confide")
	if err != nil {
		t.Fatal(err)
	}
	return svc, srv, m
}

// start runs a worker until the returned stop is called; stop waits for it.
func start(svc *service.Service, m service.Mailer) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	w := &worker.Outbox{Service: svc, Mailer: m, Interval: 5 * time.Millisecond, Batch: 3,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	return func() { cancel(); <-done }
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func queue(t *testing.T, svc *service.Service, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		if _, err := svc.QueueMail(context.Background(), fmt.Sprintf("reader%d@example.org", i), "", fmt.Sprintf("Message %d", i), "Hello.", ""); err != nil {
			t.Fatal(err)
		}
	}
}

// exactlyOnce checks that the server holds n messages, each Message-ID once,
// and that the outbox marks all n sent.
func exactlyOnce(t *testing.T, svc *service.Service, srv *smtptest.Server, n int) {
	t.Helper()
	seen := map[string]int{}
	for _, m := range srv.Messages() {
		msg, err := netmail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			t.Fatal(err)
		}
		seen[msg.Header.Get("Message-Id")]++
	}
	if len(seen) != n || len(srv.Messages()) != n {
		t.Fatalf("server got %d messages with %d Message-IDs, want %d each", len(srv.Messages()), len(seen), n)
	}
	for id, c := range seen {
		if c != 1 {
			t.Errorf("%s arrived %d times", id, c)
		}
	}
	list, _, err := svc.OutboxPage(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range list {
		if m.Status != model.MailSent {
			t.Errorf("message %d is %s", m.ID, m.Status)
		}
	}
}

func TestRetriesUntilTheServerAccepts(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		svc, srv, m := setup(t, db)
		srv.RefuseNext(2)
		queue(t, svc, 1)
		stop := start(svc, m)
		defer stop()
		waitFor(t, "delivery", func() bool { return len(srv.Messages()) == 1 })
		stop()
		exactlyOnce(t, svc, srv, 1)
		list, _, _ := svc.OutboxPage(context.Background(), 1)
		if list[0].Attempts != 3 || srv.Attempts() != 3 || list[0].LastError == "" {
			t.Errorf("attempts %d (server saw %d), last error %q", list[0].Attempts, srv.Attempts(), list[0].LastError)
		}
	})
}

func TestWorkerRestartDeliversEachMessageOnce(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		svc, srv, m := setup(t, db)
		queue(t, svc, 30)
		stop := start(svc, m)
		waitFor(t, "the first deliveries", func() bool { return len(srv.Messages()) >= 8 })
		stop() // in the middle of the queue
		if n := len(srv.Messages()); n == 30 {
			t.Log("the first worker finished everything before it was stopped")
		}
		stop = start(svc, m)
		defer stop()
		waitFor(t, "all deliveries", func() bool { return len(srv.Messages()) >= 30 })
		stop()
		exactlyOnce(t, svc, srv, 30)
	})
}

// Two instances' workers on one PostgreSQL database share the queue through
// FOR UPDATE SKIP LOCKED: every message is sent once.
func TestConcurrentWorkersOnPostgres(t *testing.T) {
	db := dbtest.Postgres(t)
	svc, srv, m := setup(t, db)
	svc2 := service.New(store.New(db), service.Options{BaseURL: "https://confide.example", MailRetryBase: 10 * time.Millisecond})
	queue(t, svc, 40)
	var stops []func()
	var mu sync.Mutex
	for _, s := range []*service.Service{svc, svc2, svc, svc2} {
		mu.Lock()
		stops = append(stops, start(s, m))
		mu.Unlock()
	}
	waitFor(t, "all deliveries", func() bool { return len(srv.Messages()) >= 40 })
	for _, stop := range stops {
		stop()
	}
	exactlyOnce(t, svc, srv, 40)
}

func TestNoHeaderInjection(t *testing.T) {
	svc, srv, m := setup(t, dbtest.SQLite(t))
	if _, err := svc.QueueMail(context.Background(), "reader@example.org\r\nBcc: evil@example.org", "", "x", "y", ""); model.ErrorCode(err) != model.EINVALID {
		t.Fatalf("address with a line break: %v", err)
	}
	if _, err := svc.QueueMail(context.Background(), "reader@example.org", "Ann\r\nBcc: evil@example.org",
		"Hello\r\nBcc: evil@example.org\nX-Evil: 1", "Body", ""); err != nil {
		t.Fatal(err)
	}
	stop := start(svc, m)
	defer stop()
	waitFor(t, "delivery", func() bool { return len(srv.Messages()) == 1 })
	got := srv.Messages()[0]
	if len(got.To) != 1 || got.To[0] != "reader@example.org" {
		t.Fatalf("recipients %v", got.To)
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(got.Data))
	if err != nil {
		t.Fatal(err)
	}
	if msg.Header.Get("Bcc") != "" || msg.Header.Get("X-Evil") != "" {
		t.Fatalf("injected header: %v", msg.Header)
	}
}

// The SMTP server down for an hour (on a simulated clock, tried every
// minute as the worker does): mail waits in the outbox, never given up,
// and goes out once when the server is back.
func TestSMTPDownForAnHour(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		var mu sync.Mutex
		now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		tick := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
		svc := service.New(store.New(db), service.Options{BaseURL: "https://confide.example", Now: clock})
		// Nothing listens here: the server is down.
		l, _ := net.Listen("tcp", "127.0.0.1:0")
		down := l.Addr().String()
		l.Close()
		downMailer, err := mail.ParseURL("smtp://"+down, "letters@confide.example", "Confide")
		if err != nil {
			t.Fatal(err)
		}
		queue(t, svc, 3)
		for minute := 0; minute < 60; minute++ {
			if sent, err := svc.DeliverDue(ctx, downMailer, 10); err != nil || sent != 0 {
				t.Fatalf("minute %d: %d sent, %v", minute, sent, err)
			}
			tick(time.Minute)
		}
		list, _, _ := svc.OutboxPage(ctx, 1)
		for _, m := range list {
			if m.Status != model.MailPending || m.Attempts < 4 || m.LastError == "" {
				t.Fatalf("after an hour down: message %d is %s after %d attempts (%q)", m.ID, m.Status, m.Attempts, m.LastError)
			}
		}
		srv := smtptest.Start(t)
		up, err := mail.ParseURL("smtp://"+srv.Addr, "letters@confide.example", "Confide")
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for minute := 0; minute < 60 && total < 3; minute++ {
			sent, err := svc.DeliverDue(ctx, up, 10)
			if err != nil {
				t.Fatal(err)
			}
			total += sent
			tick(time.Minute)
		}
		exactlyOnce(t, svc, srv, 3)
	})
}
