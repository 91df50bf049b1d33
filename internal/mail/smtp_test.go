package mail_test

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	netmail "net/mail"
	"strings"
	"testing"

	"github.com/confide/confide/internal/mail"
	"github.com/confide/confide/internal/mail/smtptest"
	"github.com/confide/confide/internal/model"
)

func TestSendBuildsAProperMessage(t *testing.T) {
	srv := smtptest.Start(t)
	s, err := mail.ParseURL("smtp://"+srv.Addr, "letters@example.org", "Confide – Rose")
	if err != nil {
		t.Fatal(err)
	}
	m := model.OutboxMessage{To: "reader@example.org", ToName: "Zoë", Subject: "Your reply is ready – ça va ?",
		Text: "Hello Zoë,\nyour reply is ready.", HTML: "<p>Hello Zoë,<br>your reply is ready.</p>", MessageID: "<abc123@example.org>"}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.Messages()
	if len(got) != 1 || got[0].From != "letters@example.org" || len(got[0].To) != 1 || got[0].To[0] != "reader@example.org" {
		t.Fatalf("envelope: %+v", got)
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(got[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	h := msg.Header
	dec := new(mime.WordDecoder)
	subject, _ := dec.DecodeHeader(h.Get("Subject"))
	if subject != m.Subject {
		t.Errorf("subject %q", subject)
	}
	if h.Get("Message-Id") != "<abc123@example.org>" {
		t.Errorf("Message-ID %q", h.Get("Message-Id"))
	}
	if _, err := h.Date(); err != nil {
		t.Errorf("Date: %v", err)
	}
	to, err := h.AddressList("To")
	if err != nil || to[0].Name != "Zoë" {
		t.Errorf("To: %v %v", to, err)
	}
	mediaType, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || mediaType != "multipart/alternative" {
		t.Fatalf("content type %q", h.Get("Content-Type"))
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	var types []string
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		types = append(types, strings.Split(p.Header.Get("Content-Type"), ";")[0])
	}
	if strings.Join(types, ",") != "text/plain,text/html" {
		t.Errorf("parts %v", types)
	}
	if h.Get("List-Unsubscribe") != "" {
		t.Error("a message nobody subscribed to has List-Unsubscribe")
	}
}

// Mail a reader asked for carries a one-click unsubscribe (RFC 8058).
func TestUnsubscribeHeaders(t *testing.T) {
	srv := smtptest.Start(t)
	s, err := mail.ParseURL("smtp://"+srv.Addr, "letters@example.org", "Confide")
	if err != nil {
		t.Fatal(err)
	}
	link := "https://confide.example/subscriptions/unsubscribe?t=12.abc"
	m := model.OutboxMessage{To: "reader@example.org", Subject: "New replies on Confide", Text: "Hello",
		MessageID: "<u1@example.org>", Unsubscribe: link}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(srv.Messages()[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	if got := msg.Header.Get("List-Unsubscribe"); got != "<"+link+">" {
		t.Errorf("List-Unsubscribe %q", got)
	}
	if got := msg.Header.Get("List-Unsubscribe-Post"); got != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post %q", got)
	}
}

func TestParseURL(t *testing.T) {
	for _, bad := range []string{"http://x", "smtp://", "smtp://host:port"} {
		if _, err := mail.ParseURL(bad, "a@b.org", ""); err == nil {
			t.Errorf("ParseURL(%q) accepted", bad)
		}
	}
	if _, err := mail.ParseURL("smtps://user:secret@mail.example.org", "a@b.org", ""); err != nil {
		t.Error(err)
	}
}
