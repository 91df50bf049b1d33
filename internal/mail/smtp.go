// Package mail sends outbox messages over SMTP with github.com/wneessen/go-mail:
// plain-text and HTML parts, the message's own Message-ID, a Date, UTF-8
// headers encoded as RFC 2047 words.
package mail

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/confide/confide/internal/model"
)

// SMTP sends through one SMTP server.
type SMTP struct {
	host     string
	port     int
	implicit bool // smtps://: TLS from the first byte
	user     string
	pass     string
	fromAddr string
	fromName string
}

// ParseURL reads smtp://user:pass@host:port (STARTTLS when the server offers
// it, port 587 by default) or smtps://… (TLS at once, port 465 by default).
func ParseURL(raw, fromAddr, fromName string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("mail: --smtp: %w", err)
	}
	s := &SMTP{host: u.Hostname(), fromAddr: fromAddr, fromName: fromName}
	switch u.Scheme {
	case "smtp":
		s.port = 587
	case "smtps":
		s.port, s.implicit = 465, true
	default:
		return nil, fmt.Errorf("mail: --smtp: want smtp:// or smtps://, got %q", u.Scheme)
	}
	if s.host == "" {
		return nil, fmt.Errorf("mail: --smtp: no host")
	}
	if p := u.Port(); p != "" {
		if s.port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("mail: --smtp: port %q", p)
		}
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
	}
	return s, nil
}

// Message builds the MIME message go-mail will send.
func (s *SMTP) Message(m model.OutboxMessage, now time.Time) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.FromFormat(s.fromName, s.fromAddr); err != nil {
		return nil, fmt.Errorf("mail: from %q: %w", s.fromAddr, err)
	}
	if err := msg.AddToFormat(m.ToName, m.To); err != nil {
		return nil, fmt.Errorf("mail: to %q: %w", m.To, err)
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(trimAngles(m.MessageID))
	msg.SetDateWithValue(now)
	if m.Unsubscribe != "" {
		// RFC 2369 and RFC 8058: mail programs show an "Unsubscribe"
		// button that works in one click, without opening a page.
		msg.SetGenHeader("List-Unsubscribe", "<"+m.Unsubscribe+">")
		msg.SetGenHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

func trimAngles(id string) string {
	if len(id) > 2 && id[0] == '<' && id[len(id)-1] == '>' {
		return id[1 : len(id)-1]
	}
	return id
}

// Send delivers one message, opening a connection for it.
func (s *SMTP) Send(ctx context.Context, m model.OutboxMessage) error {
	msg, err := s.Message(m, time.Now())
	if err != nil {
		return err
	}
	opts := []gomail.Option{gomail.WithPort(s.port), gomail.WithTimeout(30 * time.Second)}
	if s.implicit {
		opts = append(opts, gomail.WithSSL())
	} else {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if s.user != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(s.user), gomail.WithPassword(s.pass))
	}
	c, err := gomail.NewClient(s.host, opts...)
	if err != nil {
		return fmt.Errorf("mail: client: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("mail: send to %s: %w", m.To, err)
	}
	return nil
}
