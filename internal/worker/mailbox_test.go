package worker_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/confide/confide/internal/app/apptest"
	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/database/dbtest"
	cmail "github.com/confide/confide/internal/mail"
	"github.com/confide/confide/internal/mail/imaptest"
	"github.com/confide/confide/internal/mail/smtptest"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
	"github.com/confide/confide/internal/worker"
)

func crlf(s string) []byte { return []byte(strings.ReplaceAll(s, "\n", "\r\n")) }

// bigMessage is a letter with a 10 MB attachment.
func bigMessage() []byte {
	var b bytes.Buffer
	b.Write(crlf("From: Big Sender <big@example.org>\nSubject: A long story\nMessage-ID: <big-1@example.org>\n" +
		"Content-Type: multipart/mixed; boundary=\"bb\"\n\n--bb\nContent-Type: text/plain; charset=utf-8\n\n" +
		"I scanned my diary for you; it is attached. I hope that is all right.\n--bb\n" +
		"Content-Type: application/pdf; name=\"diary.pdf\"\nContent-Disposition: attachment; filename=\"diary.pdf\"\n" +
		"Content-Transfer-Encoding: base64\n\n"))
	chunk := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("diary page "), 57))
	for b.Len() < 10<<20 {
		b.WriteString(chunk[:76] + "\r\n")
	}
	b.Write(crlf("--bb--\n"))
	return b.Bytes()
}

var arrivals = map[string][]byte{
	"plain": crlf(`From: Ann Example <ann@example.org>
To: letters@confide.example
Subject: I cannot sleep
Message-ID: <ann-1@example.org>

Hello,

I have not slept properly for weeks and I do not know who to tell.
-- 
Ann
`),
	"html": crlf(`From: bo@example.org
Subject: Evenings
Message-ID: <bo-1@example.org>
Content-Type: text/html; charset=utf-8

<p>The evenings are the worst &amp; the weekends.</p><blockquote>quoted</blockquote>
`),
	"attachment": crlf(`From: di@example.org
Subject: With a photo
Message-ID: <di-1@example.org>
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: text/plain; charset=utf-8

This is my dog. He is the only one I talk to.
--outer
Content-Type: image/jpeg; name="dog.jpg"
Content-Disposition: attachment; filename="dog.jpg"
Content-Transfer-Encoding: base64

/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDA==
--outer--
`),
	"latin1": crlf(`From: =?ISO-8859-1?Q?Ren=E9e?= <renee@example.fr>
Subject: =?ISO-8859-1?Q?Fatigu=E9e?=
Message-ID: <renee-1@example.fr>
Content-Type: text/plain; charset=ISO-8859-1
Content-Transfer-Encoding: quoted-printable

Je suis fatigu=E9e, tr=E8s fatigu=E9e.
`),
	"cp1252": append(crlf("From: ed@example.org\nSubject: Money\nMessage-ID: <ed-1@example.org>\n"+
		"Content-Type: text/plain; charset=windows-1252\nContent-Transfer-Encoding: 8bit\n\n"),
		[]byte("I owe \x80500 and he said \x93it is fine\x94.\r\n")...),
	"malformed":     crlf("Subject: no sender at all\nMessage-ID: <bad-1@example.org>\n\nWho sent this?\n"),
	"autoreply":     crlf("From: jo@example.org\nAuto-Submitted: auto-replied\nSubject: Away\nMessage-ID: <jo-1@example.org>\n\nI am away.\n"),
	"list":          crlf("From: news@example.org\nList-Id: <news.example.org>\nSubject: News\nMessage-ID: <news-1@example.org>\n\nNews.\n"),
	"ann-again":     crlf("From: ann@example.org\nSubject: Me again\nMessage-ID: <ann-2@example.org>\n\nA second letter on the same day.\n"),
	"duplicate":     crlf("From: bo@example.org\nSubject: Evenings\nMessage-ID: <bo-1@example.org>\n\nThe same message, delivered twice.\n"),
	"ten-megabytes": bigMessage(),
}

func count(t *testing.T, db *database.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.Read.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func mailboxWorker(t *testing.T, srv *imaptest.Server, svc *service.Service, holder string) *worker.Mailbox {
	t.Helper()
	box, err := cmail.ParseIMAPURL(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	box.TLSConfig = srv.TLS
	return &worker.Mailbox{Box: box, Service: svc, Holder: holder, MaxSize: service.MaxMailSize,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// Letters by e-mail, against a real IMAP server and a real SMTP server:
// each kind of message a mailbox receives, the link mail and its limit,
// a follow-up threaded by In-Reply-To (never by From), a malformed message
// left unread, and a worker that dies between handling and flagging.
func TestLettersByMail(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		imapSrv := imaptest.Start(t)
		site := apptest.Start(t, db)
		svc := site.Service
		ctx := context.Background()
		for _, name := range []string{"plain", "html", "attachment", "latin1", "cp1252", "malformed", "autoreply", "list",
			"ann-again", "duplicate", "ten-megabytes"} {
			imapSrv.Deliver(t, arrivals[name])
		}
		before := count(t, db, `SELECT count(*) FROM letters`)
		w := mailboxWorker(t, imapSrv, svc, "instance-a")
		st, err := w.PollOnce(ctx, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if st.Handled != 11 || st.Flagged != 10 {
			t.Fatalf("poll: %+v", st)
		}
		if total, unread := imapSrv.Counts(t); total != 11 || unread != 1 {
			t.Fatalf("mailbox: %d messages, %d unread (only the malformed one should be)", total, unread)
		}
		if got := count(t, db, `SELECT count(*) FROM letters`) - before; got != 7 {
			t.Fatalf("%d letters made, want 7", got)
		}
		for email, want := range map[string]string{
			"ann@example.org":  "Hello,\n\nI have not slept properly for weeks and I do not know who to tell.",
			"bo@example.org":   "The evenings are the worst & the weekends.",
			"di@example.org":   "This is my dog. He is the only one I talk to.",
			"renee@example.fr": "Je suis fatiguée, très fatiguée.",
			"ed@example.org":   "I owe €500 and he said “it is fine”.",
			"big@example.org":  "I scanned my diary for you; it is attached. I hope that is all right.",
		} {
			if n := count(t, db, `SELECT count(*) FROM letters WHERE writer_email = $1 AND body = $2 AND consent = 'private'`, email, want); n != 1 {
				t.Errorf("%s: %d letters with the text %q", email, n, want)
			}
		}
		if n := count(t, db, `SELECT count(*) FROM letter_messages m JOIN letters l ON l.id = m.letter_id
			WHERE l.writer_email = 'di@example.org' AND m.kind = 'note' AND m.body LIKE '%dog.jpg%'`); n != 1 {
			t.Error("the attachment is not noted")
		}
		if n := count(t, db, `SELECT count(*) FROM mail_in WHERE outcome = 'failed'`); n != 1 {
			t.Errorf("%d failed messages recorded", n)
		}
		if n := count(t, db, `SELECT count(*) FROM mail_in WHERE outcome = 'ignored'`); n != 3 {
			t.Errorf("%d ignored messages (auto-reply, list, duplicate)", n)
		}
		// The admin area shows what could not be read.
		failed, err := svc.FailedMail(ctx)
		if err != nil || len(failed) != 1 || !strings.Contains(failed[0].Detail, "malformed") {
			t.Fatalf("failed mail: %+v %v", failed, err)
		}
		if page := adminPage(t, site, "/admin/letters"); !strings.Contains(page, "Mail that could not be read") || !strings.Contains(page, "bad-1@example.org") {
			t.Error("the inbox does not show the message that could not be read")
		}

		// The link mails go out through a real SMTP server: one for each
		// writer, one only for ann (two letters today), none to machines.
		smtpSrv := smtptest.Start(t)
		mailer, err := cmail.ParseURL("smtp://"+smtpSrv.Addr, "letters@confide.example", "Confide")
		if err != nil {
			t.Fatal(err)
		}
		octx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			(&worker.Outbox{Service: svc, Mailer: mailer, Interval: 5 * time.Millisecond, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Run(octx)
			close(done)
		}()
		var to map[string][]*mail.Message
		deadline := time.Now().Add(20 * time.Second)
		for {
			to = map[string][]*mail.Message{}
			for _, m := range smtpSrv.Messages() {
				msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
				if err != nil {
					t.Fatal(err)
				}
				to[m.To[0]] = append(to[m.To[0]], msg)
			}
			if len(to["big@example.org"]) > 0 && len(to["ann@example.org"]) > 0 && len(to["ed@example.org"]) > 0 || time.Now().After(deadline) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		stop()
		<-done
		for _, email := range []string{"ann@example.org", "bo@example.org", "di@example.org", "renee@example.fr", "ed@example.org", "big@example.org"} {
			if len(to[email]) != 1 {
				t.Errorf("%s got %d link mails", email, len(to[email]))
			}
		}
		if len(to["jo@example.org"])+len(to["news@example.org"]) != 0 {
			t.Error("a machine was answered")
		}
		link := to["ann@example.org"][0]
		body, _ := io.ReadAll(link.Body)
		if !regexp.MustCompile(`/letters/[A-Za-z0-9_-]{22,}`).Match(body) || strings.Contains(link.Header.Get("Subject"), "sleep") {
			t.Errorf("link mail: %s\n%s", link.Header.Get("Subject"), body)
		}

		// Ann answers the link mail: a follow-up on her first letter. A
		// message from her address that answers nothing of ours is a new
		// letter: the From: address alone never threads.
		annFirst := count(t, db, `SELECT id FROM letters WHERE writer_email = 'ann@example.org' ORDER BY id LIMIT 1`)
		imapSrv.Deliver(t, crlf(fmt.Sprintf("From: ann@example.org\nSubject: Re: Your letter to Confide demo\nMessage-ID: <ann-3@example.org>\n"+
			"In-Reply-To: %s\n\nThank you. It is a little better tonight.\n\nOn Monday Confide wrote:\n> Thank you for writing to us.\n",
			link.Header.Get("Message-Id"))))
		imapSrv.Deliver(t, crlf("From: ann@example.org\nSubject: Hello\nMessage-ID: <ann-4@example.org>\n\nSomeone else, using her address.\n"))
		if _, err := w.PollOnce(ctx, time.Minute); err != nil {
			t.Fatal(err)
		}
		if n := count(t, db, `SELECT count(*) FROM letter_messages WHERE letter_id = $1 AND kind = 'followup' AND body = $2`,
			annFirst, "Thank you. It is a little better tonight."); n != 1 {
			t.Error("the answer did not join the thread")
		}
		if n := count(t, db, `SELECT count(*) FROM letters WHERE writer_email = 'ann@example.org'`); n != 3 {
			t.Errorf("ann has %d letters, want 3 (the unthreaded one is a letter of its own)", n)
		}

		// The worker dies after a message became a letter but before it was
		// flagged: started again, it makes no second letter.
		imapSrv.Deliver(t, crlf("From: kim@example.org\nSubject: Late\nMessage-ID: <kim-1@example.org>\n\nI am writing this very late at night.\n"))
		killed := errors.New("killed")
		w.Handle = func(ctx context.Context, key string, size int64, raw []byte) (bool, error) {
			if _, err := svc.ReceiveMail(ctx, key, size, raw); err != nil {
				return false, err
			}
			return false, killed
		}
		if _, err := w.PollOnce(ctx, time.Minute); !errors.Is(err, killed) {
			t.Fatalf("killed poll: %v", err)
		}
		if _, unread := imapSrv.Counts(t); unread != 2 {
			t.Fatalf("%d unread after the kill", unread)
		}
		w.Handle = nil
		if _, err := w.PollOnce(ctx, time.Minute); err != nil {
			t.Fatal(err)
		}
		if n := count(t, db, `SELECT count(*) FROM letters WHERE writer_email = 'kim@example.org'`); n != 1 {
			t.Errorf("kim's message made %d letters", n)
		}
		if _, unread := imapSrv.Counts(t); unread != 1 {
			t.Errorf("%d unread after the restart (only the malformed one should be)", unread)
		}

		// Another instance does not read the mailbox while this one holds
		// the lease.
		imapSrv.Deliver(t, crlf("From: lu@example.org\nSubject: x\nMessage-ID: <lu-1@example.org>\n\nOne more letter, for whoever reads first.\n"))
		other := mailboxWorker(t, imapSrv, svc, "instance-b")
		if st, err := other.PollOnce(ctx, time.Minute); err != nil || st.Handled != 0 {
			t.Errorf("a second instance polled: %+v %v", st, err)
		}
		if total, _ := imapSrv.Counts(t); total != 15 {
			t.Errorf("the mailbox holds %d messages; nothing may be deleted", total)
		}
	})
}

// adminPage logs an advisor in to site and returns the admin page at path.
func adminPage(t *testing.T, site *apptest.Site, path string) string {
	t.Helper()
	const password = "a long advisor password"
	email := fmt.Sprintf("advisor%d@example.org", time.Now().UnixNano())
	if _, err := site.Service.CreateUser(context.Background(), 0, service.NewUser{Email: email, Name: "Advisor",
		Role: model.RoleAdvisor, Password: password}); err != nil {
		t.Fatal(err)
	}
	site.Enrol(t, email, password)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.PostForm(site.URL+"/admin/login", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = c.PostForm(site.URL+"/admin/login/code", url.Values{"code": {site.Code(t, email)}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = c.Get(site.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("%s: %d", path, resp.StatusCode)
	}
	return string(body)
}
