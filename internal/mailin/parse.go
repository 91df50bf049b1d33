// Package mailin reads an e-mail that arrived in the letters' mailbox: who
// sent it, what it answers, whether a machine sent it, and the words the
// person wrote (the plain-text part, or the HTML part turned into text,
// in any common character set, with quoted text and signatures trimmed).
// It is pure: no network, no database.
package mailin

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
)

// Message is what a letter needs of an e-mail.
type Message struct {
	MessageID   string   // without angle brackets; may be empty
	Answers     []string // the ids it answers (In-Reply-To, then References), without brackets
	From        string   // the sender's address, lower-cased
	FromName    string
	To          []string // the addresses it was sent to (To, Cc, Delivered-To), lower-cased
	Subject     string
	Date        time.Time // zero when missing or unreadable
	Text        string    // the person's words
	Attachments []string  // parts not kept: their file names, or their types
	// Automatic says why a machine sent the message (an auto-reply, a
	// bounce, a mailing list); empty for mail a person wrote. Such mail
	// is never answered.
	Automatic string
}

// ErrMalformed is the error of a message that cannot be read.
var ErrMalformed = errors.New("mailin: malformed message")

// maxDepth bounds nested multipart parts.
const maxDepth = 8

// Parse reads a raw RFC 5322 message.
func Parse(raw []byte) (*Message, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	h := msg.Header
	dec := &mime.WordDecoder{CharsetReader: charsetReader}
	addrs := &mail.AddressParser{WordDecoder: dec}
	from, err := addrs.Parse(h.Get("From"))
	if err != nil {
		return nil, fmt.Errorf("%w: sender %q: %v", ErrMalformed, h.Get("From"), err)
	}
	m := &Message{From: strings.ToLower(from.Address), FromName: oneLine(from.Name)}
	m.MessageID = firstID(h.Get("Message-Id"))
	m.Answers = append(ids(h.Get("In-Reply-To")), ids(h.Get("References"))...)
	for _, key := range []string{"To", "Cc", "Delivered-To", "X-Original-To"} {
		for _, v := range h[key] {
			list, err := addrs.ParseList(v)
			if err != nil {
				continue // a bad copy header does not make the message unreadable
			}
			for _, a := range list {
				m.To = append(m.To, strings.ToLower(a.Address))
			}
		}
	}
	if s, err := dec.DecodeHeader(h.Get("Subject")); err == nil {
		m.Subject = oneLine(s)
	} else {
		m.Subject = oneLine(h.Get("Subject"))
	}
	if d, err := h.Date(); err == nil {
		m.Date = d.UTC()
	}
	body := &bodyText{}
	if err := body.read(textproto(h), msg.Body, 0); err != nil {
		return nil, err
	}
	m.Attachments = body.attachments
	text := body.plain
	if strings.TrimSpace(text) == "" {
		text = HTMLToText(body.html)
	}
	m.Text = Trim(text)
	m.Automatic = automatic(h, m, body.report)
	return m, nil
}

// partHeader is what reading a part needs of its header.
type partHeader interface{ Get(string) string }

func textproto(h mail.Header) partHeader { return h }

// bodyText gathers a message's text parts.
type bodyText struct {
	plain, html string
	attachments []string
	report      bool // a delivery report: a bounce
}

func (b *bodyText) read(h partHeader, r io.Reader, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("%w: parts nested too deep", ErrMalformed)
	}
	ctype := h.Get("Content-Type")
	media, params, err := mime.ParseMediaType(ctype)
	if ctype == "" || err != nil {
		// RFC 2045: plain ASCII text when no type is given; a broken type
		// is read the same way rather than losing the letter.
		media, params = "text/plain", map[string]string{}
	}
	disposition, dparams, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	if strings.HasPrefix(media, "multipart/") {
		boundary := params["boundary"]
		if boundary == "" {
			return fmt.Errorf("%w: multipart without a boundary", ErrMalformed)
		}
		if media == "multipart/report" {
			b.report = true
		}
		mr := multipart.NewReader(r, boundary)
		found := false
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return fmt.Errorf("%w: %v", ErrMalformed, err)
			}
			found = true
			if err := b.read(p.Header, p, depth+1); err != nil {
				return err
			}
		}
		if !found {
			return fmt.Errorf("%w: multipart without parts", ErrMalformed)
		}
		return nil
	}
	name := dparams["filename"]
	if name == "" {
		name = params["name"]
	}
	attached := disposition == "attachment" || name != ""
	if attached || (media != "text/plain" && media != "text/html") {
		if media == "message/delivery-status" {
			b.report = true
		}
		if name == "" {
			name = media
		}
		if d, err := (&mime.WordDecoder{CharsetReader: charsetReader}).DecodeHeader(name); err == nil {
			name = d
		}
		b.attachments = append(b.attachments, oneLine(name))
		_, err := io.Copy(io.Discard, r) // read past it; it is not kept
		return err
	}
	data, err := decodeTransfer(h.Get("Content-Transfer-Encoding"), r)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	text := decodeCharset(params["charset"], data)
	if media == "text/html" {
		if b.html == "" {
			b.html = text
		}
		return nil
	}
	if b.plain != "" {
		b.plain += "\n\n"
	}
	b.plain += text
	return nil
}

// decodeTransfer undoes a part's Content-Transfer-Encoding.
func decodeTransfer(cte string, r io.Reader) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "quoted-printable":
		return io.ReadAll(quotedprintable.NewReader(r))
	case "base64":
		// Line breaks, stray spaces and missing padding are common.
		raw, err := io.ReadAll(r)
		if err != nil {
			return nil, err
		}
		clean := strings.Map(func(c rune) rune {
			if c == '\r' || c == '\n' || c == ' ' || c == '\t' {
				return -1
			}
			return c
		}, string(raw))
		return base64.RawStdEncoding.DecodeString(strings.TrimRight(clean, "="))
	default:
		return io.ReadAll(r)
	}
}

// decodeCharset turns a part's bytes into UTF-8. Text that says nothing of
// its character set and is not UTF-8 is read as Windows-1252, what such
// mail programs most often send; whatever is left invalid is replaced.
func decodeCharset(charset string, data []byte) string {
	charset = strings.ToLower(strings.TrimSpace(charset))
	switch charset {
	case "", "us-ascii", "ascii", "utf-8", "utf8":
		if utf8.Valid(data) {
			return normalizeNewlines(string(data))
		}
		charset = "windows-1252"
	}
	enc, err := htmlindex.Get(charset)
	if err != nil {
		enc = charmap.Windows1252
	}
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return normalizeNewlines(strings.ToValidUTF8(string(data), "\uFFFD"))
	}
	return normalizeNewlines(strings.ToValidUTF8(string(out), "\uFFFD"))
}

// charsetReader decodes encoded words (=?iso-8859-1?q?…?=) in headers.
func charsetReader(charset string, input io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(strings.ToLower(charset))
	if err != nil {
		return nil, fmt.Errorf("unknown character set %q", charset)
	}
	if enc == encoding.Nop {
		return input, nil
	}
	return enc.NewDecoder().Reader(input), nil
}

func normalizeNewlines(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

var idPattern = regexp.MustCompile(`<([^<>\s]+)>`)

// ids returns the message ids in a header value, without brackets.
func ids(v string) []string {
	var out []string
	for _, m := range idPattern.FindAllStringSubmatch(v, 20) {
		out = append(out, m[1])
	}
	return out
}

func firstID(v string) string {
	if list := ids(v); len(list) > 0 {
		return list[0]
	}
	return strings.Trim(strings.TrimSpace(v), "<>")
}

func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }), " ")
}

// MessageIDOf finds the Message-ID in the header of a message that may not
// parse, so that an admin can find it in the mailbox.
func MessageIDOf(raw []byte) string {
	head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	for _, line := range strings.Split(string(head), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(strings.TrimSpace(k), "message-id") {
			return oneLine(firstID(strings.TrimSpace(v)))
		}
	}
	return ""
}
