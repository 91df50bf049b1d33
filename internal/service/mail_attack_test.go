package service_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/confide/confide/internal/app/apptest"
	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/model"
)

func crlf(s string) []byte { return []byte(strings.ReplaceAll(s, "\n", "\r\n")) }

// Mail in under attack: a forged From: never opens a writer's thread, nor
// does a guessed In-Reply-To; machines (auto-replies, bounces, lists) are
// recorded and never answered; a flood from one sender makes at most the
// hourly limit of letters and one link mail, so the site never becomes a
// source of backscatter.
func TestMailInUnderAttack(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		svc := site.Service
		ctx := context.Background()
		n := 0
		receive := func(raw string) {
			t.Helper()
			n++
			seen, err := svc.ReceiveMail(ctx, fmt.Sprintf("7:%d", n), int64(len(raw)), crlf(raw))
			if err != nil || !seen {
				t.Fatalf("message %d: seen %v, %v", n, seen, err)
			}
		}
		count := func(q string, args ...any) int {
			t.Helper()
			var c int
			if err := db.Read.QueryRow(q, args...).Scan(&c); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return c
		}
		outboxTo := func(addr string) []model.OutboxMessage {
			t.Helper()
			msgs, _, err := svc.OutboxPage(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			var out []model.OutboxMessage
			for _, m := range msgs {
				if m.To == addr {
					out = append(out, m)
				}
			}
			return out
		}

		receive("From: zoe@example.org\nSubject: Nights\nMessage-ID: <zoe-1@example.org>\n\nI lie awake every night thinking about the money we owe.\n")
		zoe := count(`SELECT id FROM letters WHERE writer_email = 'zoe@example.org'`)
		links := outboxTo("zoe@example.org")
		if len(links) != 1 {
			t.Fatalf("zoe got %d link mails", len(links))
		}
		ours := links[0].MessageID
		followUps := func() int {
			return count(`SELECT count(*) FROM letter_messages WHERE letter_id = $1 AND kind = 'followup'`, zoe)
		}

		// Forged From: her address, a reply's subject, nothing of ours.
		receive("From: zoe@example.org\nSubject: Re: Nights\nMessage-ID: <forged-1@evil.example>\n\nI am not Zoe but I want to read her letter.\n")
		// Guessed In-Reply-To: her own Message-ID, an id in our form but
		// random, ours with one character changed.
		changed := ours[:len(ours)-10] + map[bool]string{true: "0", false: "1"}[ours[len(ours)-10] != '0'] + ours[len(ours)-9:]
		for i, guess := range []string{"<zoe-1@example.org>", "<00000000000000000000000000000000@127.0.0.1>", changed} {
			receive(fmt.Sprintf("From: mallory@example.net\nSubject: Re: Your letter\nIn-Reply-To: %s\nReferences: %s\n"+
				"Message-ID: <guess-%d@evil.example>\n\nLet me into her thread, number %d.\n", guess, guess, i, i))
		}
		if got := followUps(); got != 0 {
			t.Fatalf("%d messages joined zoe's thread without our Message-ID", got)
		}
		if got := count(`SELECT count(*) FROM letters WHERE writer_email = 'zoe@example.org'`); got != 2 {
			t.Errorf("zoe's address has %d letters, want 2 (the forged one is a letter of its own)", got)
		}
		if got := count(`SELECT count(*) FROM letters WHERE writer_email = 'mallory@example.net' AND consent = 'private'`); got != 3 {
			t.Errorf("the guesses made %d letters, want 3 new private ones", got)
		}
		// The forged sender's second letter the same day gets no second
		// link mail: the real Zoe is not flooded.
		if got := len(outboxTo("zoe@example.org")); got != 1 {
			t.Errorf("zoe got %d link mails after the forgery, want 1", got)
		}
		// Zoe's real answer carries our Message-ID and joins her thread.
		receive(fmt.Sprintf("From: zoe@example.org\nSubject: Re: Nights\nIn-Reply-To: %s\nMessage-ID: <zoe-2@example.org>\n\nThank you for answering me.\n", ours))
		if got := followUps(); got != 1 {
			t.Errorf("zoe's answer: %d follow-ups", got)
		}

		// Machines: recorded, never a letter, never an answer.
		letters := count(`SELECT count(*) FROM letters`)
		mails := count(`SELECT count(*) FROM outbox`)
		machines := []string{
			"From: away@example.org\nAuto-Submitted: auto-replied\nSubject: Away\nMessage-ID: <m-1@example.org>\n\nI am away until Monday.\n",
			"From: away2@example.org\nX-Autoreply: yes\nSubject: Thanks\nMessage-ID: <m-2@example.org>\n\nThanks for your mail.\n",
			"From: away3@example.org\nSubject: Out of office: Nights\nMessage-ID: <m-3@example.org>\n\nI am out of the office.\n",
			"From: news@example.org\nPrecedence: bulk\nSubject: News\nMessage-ID: <m-4@example.org>\n\nOur newsletter.\n",
			"From: MAILER-DAEMON@mx.example.org\nSubject: Undelivered Mail Returned to Sender\nMessage-ID: <m-5@example.org>\n\nThis is the mail system.\n",
			"From: somebody@example.org\nReturn-Path: <>\nSubject: Hello\nMessage-ID: <m-6@example.org>\n\nA bounce in disguise.\n",
			"From: postmaster@mx.example.net\nSubject: Delivery report\nMessage-ID: <m-7@example.net>\nMIME-Version: 1.0\n" +
				"Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nYour message could not be delivered.\n" +
				"--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\nFinal-Recipient: rfc822; nobody@example.net\nAction: failed\nStatus: 5.1.1\n--b--\n",
			"From: list@example.org\nList-Id: <talk.example.org>\nSubject: Digest\nMessage-ID: <m-8@example.org>\n\nToday on the list.\n",
		}
		for _, raw := range machines {
			receive(raw)
		}
		if got := count(`SELECT count(*) FROM letters`); got != letters {
			t.Errorf("machines made %d letters", got-letters)
		}
		if got := count(`SELECT count(*) FROM outbox`); got != mails {
			t.Errorf("machines were answered: %d mails", got-mails)
		}
		if got := count(`SELECT count(*) FROM mail_in WHERE outcome = 'ignored' AND message_id LIKE 'm-%'`); got != len(machines) {
			t.Errorf("%d of %d machine messages recorded as ignored", got, len(machines))
		}

		// A flood from one address within a minute.
		for i := 0; i < 40; i++ {
			receive(fmt.Sprintf("From: flood@example.com\nSubject: Help %d\nMessage-ID: <flood-%d@example.com>\n\n"+
				"This is message number %d of a flood from one sender, each a little different.\n", i, i, i))
		}
		if got := count(`SELECT count(*) FROM letters WHERE writer_email = 'flood@example.com'`); got != 5 {
			t.Errorf("the flood made %d letters, want 5 (the limit a minute)", got)
		}
		if got := len(outboxTo("flood@example.com")); got != 1 {
			t.Errorf("the flood's sender got %d link mails, want 1", got)
		}
		if got := count(`SELECT count(*) FROM mail_in WHERE outcome = 'ignored' AND detail = 'too many messages from this sender'`); got != 35 {
			t.Errorf("%d flood messages recorded as over the limit, want 35", got)
		}
		if got := count(`SELECT count(*) FROM mail_in`); got != n {
			t.Errorf("%d messages recorded of %d received", got, n)
		}
	})
}
