package mailin

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// crlf turns a readable test message into one with CRLF line ends, as
// mail arrives.
func crlf(s string) []byte { return []byte(strings.ReplaceAll(s, "\n", "\r\n")) }

func TestParse(t *testing.T) {
	cases := []struct {
		name        string
		raw         []byte
		from, subj  string
		text        string
		attachments []string
		answers     []string
		automatic   bool
	}{
		{
			name: "plain text with a quote and a signature",
			raw: crlf(`From: Ann Example <Ann@Example.org>
To: letters@confide.example
Subject: I cannot sleep
Message-ID: <abc123@example.org>
Date: Tue, 3 Mar 2026 10:00:00 +0100

Hello,

I have not slept properly for weeks.
Sent from my iPhone

On Mon, 2 Mar 2026, Confide <letters@confide.example> wrote:
> Thank you for writing.
-- 
Ann
`),
			from: "ann@example.org", subj: "I cannot sleep",
			text: "Hello,\n\nI have not slept properly for weeks.",
		},
		{
			name: "HTML only, entities, quoted block left out",
			raw: crlf(`From: bo@example.org
Subject: =?UTF-8?Q?Caf=C3=A9_at_night?=
Content-Type: text/html; charset=utf-8

<html><head><style>p{color:red}</style><title>x</title></head><body>
<p>I sit in the caf&eacute; &amp; think.</p><p>Every   night<br>the same.</p>
<ul><li>tired<li>alone</ul>
<div class="gmail_quote">On Monday someone wrote:<blockquote>old text</blockquote></div>
<script>alert(1)</script>
</body></html>
`),
			from: "bo@example.org", subj: "Café at night",
			text: "I sit in the café & think.\n\nEvery night\nthe same.\n\n- tired\n- alone",
		},
		{
			name: "alternative parts: the plain one is kept",
			raw: crlf(`From: cy@example.org
Subject: Both
Content-Type: multipart/alternative; boundary="b1"

--b1
Content-Type: text/plain; charset=us-ascii

Plain words here.
--b1
Content-Type: text/html; charset=us-ascii

<p>HTML words here.</p>
--b1--
`),
			from: "cy@example.org", subj: "Both", text: "Plain words here.",
		},
		{
			name: "mixed with an attachment: noted, not kept",
			raw: crlf(`From: di@example.org
Subject: With a photo
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

SSBhdHRhY2hlZCBhIHBob3RvIG9mIG15IGRvZy4=
--outer
Content-Type: image/jpeg; name="dog.jpg"
Content-Disposition: attachment; filename="dog.jpg"
Content-Transfer-Encoding: base64

/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDA==
--outer--
`),
			from: "di@example.org", subj: "With a photo", text: "I attached a photo of my dog.", attachments: []string{"dog.jpg"},
		},
		{
			name: "ISO-8859-1, quoted-printable, encoded subject",
			raw: crlf(`From: =?ISO-8859-1?Q?Ren=E9e?= <renee@example.fr>
Subject: =?ISO-8859-1?Q?Fatigu=E9e?=
Content-Type: text/plain; charset=ISO-8859-1
Content-Transfer-Encoding: quoted-printable

Je suis fatigu=E9e, tr=E8s fatigu=E9e.
`),
			from: "renee@example.fr", subj: "Fatiguée", text: "Je suis fatiguée, très fatiguée.",
		},
		{
			name: "Windows-1252, 8bit, curly quotes and the euro sign",
			raw: append(crlf("From: ed@example.org\nSubject: Money\nContent-Type: text/plain; charset=windows-1252\nContent-Transfer-Encoding: 8bit\n\n"),
				[]byte("I owe \x80500 and he said \x93it is fine\x94.\r\n")...),
			from: "ed@example.org", subj: "Money", text: "I owe €500 and he said “it is fine”.",
		},
		{
			name: "no character set and not UTF-8: read as Windows-1252",
			raw:  append(crlf("From: fi@example.org\nSubject: x\n\n"), []byte("Na\xefve caf\xe9\r\n")...),
			from: "fi@example.org", subj: "x", text: "Naïve café",
		},
		{
			name: "an answer to our mail, Outlook style",
			raw: crlf(`From: gu@example.org
Subject: RE: A reply from Confide
In-Reply-To: <0123abcd@confide.example>
References: <first@confide.example> <0123abcd@confide.example>

Thank you, it helped.

From: Confide <letters@confide.example>
Sent: Monday, 2 March 2026 10:00
To: gu@example.org
Subject: A reply from Confide

Old text.
`),
			from: "gu@example.org", subj: "RE: A reply from Confide", text: "Thank you, it helped.",
			answers: []string{"0123abcd@confide.example", "first@confide.example", "0123abcd@confide.example"},
		},
		{
			name: "original message block",
			raw:  crlf("From: ha@example.org\nSubject: fwd\n\nMy words.\n\n-----Original Message-----\nFrom: x\nOld.\n"),
			from: "ha@example.org", subj: "fwd", text: "My words.",
		},
		{
			name: "only a quote: kept rather than nothing",
			raw:  crlf("From: io@example.org\nSubject: q\n\n> only quoted\n"),
			from: "io@example.org", subj: "q", text: "> only quoted",
		},
		{name: "auto-reply", raw: crlf("From: jo@example.org\nAuto-Submitted: auto-replied\nSubject: Away\n\nI am away.\n"),
			from: "jo@example.org", subj: "Away", text: "I am away.", automatic: true},
		{name: "out of office by subject", raw: crlf("From: ka@example.org\nSubject: Out of Office: back Monday\n\nAway.\n"),
			from: "ka@example.org", subj: "Out of Office: back Monday", text: "Away.", automatic: true},
		{name: "mailing list", raw: crlf("From: news@example.org\nList-Id: <news.example.org>\nSubject: News\n\nNews.\n"),
			from: "news@example.org", subj: "News", text: "News.", automatic: true},
		{name: "bulk", raw: crlf("From: la@example.org\nPrecedence: bulk\nSubject: Offer\n\nBuy.\n"),
			from: "la@example.org", subj: "Offer", text: "Buy.", automatic: true},
		{name: "bounce from the mailer daemon", raw: crlf("From: MAILER-DAEMON@mx.example.org\nSubject: Undelivered Mail Returned to Sender\n\nFailed.\n"),
			from: "mailer-daemon@mx.example.org", subj: "Undelivered Mail Returned to Sender", text: "Failed.", automatic: true},
		{
			name: "delivery report",
			raw: crlf(`From: postmaster@mx.example.org
Subject: Delivery report
Content-Type: multipart/report; report-type=delivery-status; boundary="r"

--r
Content-Type: text/plain

Your message could not be delivered.
--r
Content-Type: message/delivery-status

Status: 5.1.1
--r--
`),
			from: "postmaster@mx.example.org", subj: "Delivery report", text: "Your message could not be delivered.",
			attachments: []string{"message/delivery-status"}, automatic: true,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Parse(c.raw)
			if err != nil {
				t.Fatal(err)
			}
			if m.From != c.from || m.Subject != c.subj || m.Text != c.text {
				t.Errorf("got from %q subject %q text\n%q", m.From, m.Subject, m.Text)
			}
			if !reflect.DeepEqual(m.Attachments, c.attachments) {
				t.Errorf("attachments %q", m.Attachments)
			}
			if c.answers != nil && !reflect.DeepEqual(m.Answers, c.answers) {
				t.Errorf("answers %q", m.Answers)
			}
			if (m.Automatic != "") != c.automatic {
				t.Errorf("automatic %q", m.Automatic)
			}
		})
	}
}

func TestParseHeaders(t *testing.T) {
	m, err := Parse(crlf("From: \"Mo\" <mo@example.org>\nTo: Letters <letters@confide.example>, x@example.org\nCc: cc@example.org\n" +
		"Message-ID: <id-1@example.org>\nDate: Tue, 3 Mar 2026 10:00:00 +0100\nSubject: s\n\nText.\n"))
	if err != nil {
		t.Fatal(err)
	}
	if m.MessageID != "id-1@example.org" || m.FromName != "Mo" || m.Date.Hour() != 9 ||
		!reflect.DeepEqual(m.To, []string{"letters@confide.example", "x@example.org", "cc@example.org"}) {
		t.Errorf("%+v", m)
	}
}

func TestMalformed(t *testing.T) {
	for name, raw := range map[string][]byte{
		"not a message":              []byte("this is not mail at all"),
		"no sender":                  crlf("Subject: hello\n\nText.\n"),
		"sender that is no address":  crlf("From: not an address\nSubject: x\n\nText.\n"),
		"multipart without boundary": crlf("From: a@example.org\nContent-Type: multipart/mixed\n\n--x\n\nText\n--x--\n"),
		"multipart never closed": crlf("From: a@example.org\nContent-Type: multipart/mixed; boundary=b\n\n" +
			"no boundary line ever\n"),
	} {
		if _, err := Parse(raw); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestMessageIDOf(t *testing.T) {
	for raw, want := range map[string]string{
		"Subject: x\r\nMessage-ID: <a1@example.org>\r\n\r\nbody Message-ID: <no@x>": "a1@example.org",
		"message-id:   <b2@example.org>  \r\n\r\n":                                  "b2@example.org",
		"Subject: none\r\n\r\nMessage-ID: <in-body@x>":                              "",
	} {
		if got := MessageIDOf([]byte(raw)); got != want {
			t.Errorf("%q: %q, want %q", raw, got, want)
		}
	}
}
