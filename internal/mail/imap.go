package mail

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Mailbox is the letters' mailbox, read over IMAP. Messages are read
// without being marked (BODY.PEEK) and flagged \Seen only once handled;
// nothing is ever deleted or moved.
type Mailbox struct {
	addr, host, user, pass, folder string
	implicitTLS                    bool // imaps://
	// TLSConfig is used for the connection; nil means the system's roots
	// and the URL's host name. Tests set their own roots.
	TLSConfig *tls.Config
	// PerPoll bounds the messages one poll handles.
	PerPoll int
}

// ParseIMAPURL reads imaps://user:pass@host[:993][/FOLDER] (TLS from the
// first byte) or imap://user:pass@host[:143][/FOLDER] (STARTTLS, required
// unless the host is this machine). The folder defaults to INBOX.
func ParseIMAPURL(raw string) (*Mailbox, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("imap: bad URL: %w", err)
	}
	b := &Mailbox{host: u.Hostname(), folder: strings.TrimPrefix(u.Path, "/"), PerPoll: 50}
	switch u.Scheme {
	case "imaps":
		b.implicitTLS = true
	case "imap":
	default:
		return nil, fmt.Errorf("imap: the URL must start with imaps:// or imap://")
	}
	if b.host == "" {
		return nil, fmt.Errorf("imap: the URL has no host")
	}
	port := u.Port()
	if port == "" {
		port = map[bool]string{true: "993", false: "143"}[b.implicitTLS]
	}
	b.addr = net.JoinHostPort(b.host, port)
	if b.folder == "" {
		b.folder = "INBOX"
	}
	if u.User != nil {
		b.user = u.User.Username()
		b.pass, _ = u.User.Password()
	}
	return b, nil
}

// Handler handles one message: key names it in the mailbox (UIDVALIDITY
// and UID), size is its size, raw its bytes (nil when over maxSize). It
// reports whether the message may be flagged \Seen; an error stops the
// poll with the message left unread.
type Handler func(ctx context.Context, key string, size int64, raw []byte) (seen bool, err error)

// PollStats says what a poll did.
type PollStats struct {
	Unread, Handled, Flagged int
}

// Poll reads the unread messages of the mailbox, oldest first (up to
// PerPoll), and hands each to h.
func (b *Mailbox) Poll(ctx context.Context, maxSize int64, h Handler) (PollStats, error) {
	var st PollStats
	c, err := b.dial(ctx)
	if err != nil {
		return st, err
	}
	defer c.Close()
	// A stuck server must not hold the worker for ever.
	stop := context.AfterFunc(ctx, func() { c.Close() }) // #nosec G104 -- closing on the way out: nothing is left to do with an error
	defer stop()
	if err := c.Login(b.user, b.pass).Wait(); err != nil {
		return st, fmt.Errorf("imap: log in as %s: %w", b.user, err)
	}
	sel, err := c.Select(b.folder, nil).Wait()
	if err != nil {
		return st, fmt.Errorf("imap: open %s: %w", b.folder, err)
	}
	found, err := c.UIDSearch(&imap.SearchCriteria{NotFlag: []imap.Flag{imap.FlagSeen}}, nil).Wait()
	if err != nil {
		return st, fmt.Errorf("imap: search unread: %w", err)
	}
	uids := found.AllUIDs()
	st.Unread = len(uids)
	if len(uids) > b.PerPoll && b.PerPoll > 0 {
		uids = uids[:b.PerPoll]
	}
	for _, uid := range uids {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		key := strconv.FormatUint(uint64(sel.UIDValidity), 10) + ":" + strconv.FormatUint(uint64(uid), 10)
		size, raw, err := b.fetch(c, uid, maxSize)
		if err != nil {
			return st, err
		}
		seen, err := h(ctx, key, size, raw)
		if err != nil {
			return st, fmt.Errorf("imap: message %s: %w", key, err)
		}
		st.Handled++
		if !seen {
			continue
		}
		if err := c.Store(imap.UIDSetNum(uid), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true,
			Flags: []imap.Flag{imap.FlagSeen}}, nil).Close(); err != nil {
			return st, fmt.Errorf("imap: flag %s seen: %w", key, err)
		}
		st.Flagged++
	}
	if err := c.Logout().Wait(); err != nil {
		return st, fmt.Errorf("imap: log out: %w", err)
	}
	return st, nil
}

// fetch reads a message's size, then (when not over maxSize) its bytes,
// without marking it read.
func (b *Mailbox) fetch(c *imapclient.Client, uid imap.UID, maxSize int64) (int64, []byte, error) {
	msgs, err := c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{UID: true, RFC822Size: true}).Collect()
	if err != nil || len(msgs) == 0 {
		return 0, nil, fmt.Errorf("imap: size of message %d: %v", uid, err)
	}
	size := msgs[0].RFC822Size
	if size > maxSize {
		return size, nil, nil
	}
	section := &imap.FetchItemBodySection{Peek: true}
	msgs, err = c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil || len(msgs) == 0 {
		return 0, nil, fmt.Errorf("imap: read message %d: %v", uid, err)
	}
	return size, msgs[0].FindBodySection(section), nil
}

func (b *Mailbox) dial(ctx context.Context) (*imapclient.Client, error) {
	cfg := b.TLSConfig
	if cfg == nil {
		cfg = &tls.Config{ServerName: b.host, MinVersion: tls.VersionTLS12}
	}
	d := &net.Dialer{Timeout: 30 * time.Second}
	opts := &imapclient.Options{TLSConfig: cfg}
	if b.implicitTLS {
		conn, err := (&tls.Dialer{NetDialer: d, Config: cfg}).DialContext(ctx, "tcp", b.addr)
		if err != nil {
			return nil, fmt.Errorf("imap: connect to %s: %w", b.addr, err)
		}
		return imapclient.New(conn, opts), nil
	}
	conn, err := d.DialContext(ctx, "tcp", b.addr)
	if err != nil {
		return nil, fmt.Errorf("imap: connect to %s: %w", b.addr, err)
	}
	if isLoopback(b.host) {
		// The mail server runs on this machine: nothing crosses a network.
		return imapclient.New(conn, opts), nil
	}
	c, err := imapclient.NewStartTLS(conn, opts)
	if err != nil {
		conn.Close() // #nosec G104 -- closing on the way out: nothing is left to do with an error
		return nil, fmt.Errorf("imap: STARTTLS with %s (required off this machine): %w", b.addr, err)
	}
	return c, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
