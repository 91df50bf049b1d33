package mailin

import (
	"net/mail"
	"strings"
)

// automatic says why a machine sent a message, or "" when a person did:
// auto-replies (RFC 3834's Auto-Submitted, and the headers and subjects
// that common mail programs use instead), bounces (delivery reports, an
// empty return path, mailer-daemon senders) and mailing lists.
// Answering any of them would make the site a source of mail loops or of
// backscatter to forged senders.
func automatic(h mail.Header, m *Message, report bool) string {
	if v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); v != "" && v != "no" {
		return "auto-reply (Auto-Submitted: " + v + ")"
	}
	for _, key := range []string{"X-Autoreply", "X-Autorespond", "X-Autoresponder"} {
		if h.Get(key) != "" {
			return "auto-reply (" + key + ")"
		}
	}
	if v := strings.ToLower(h.Get("X-Auto-Response-Suppress")); strings.Contains(v, "all") || strings.Contains(v, "oof") {
		return "auto-reply (X-Auto-Response-Suppress)"
	}
	if report {
		return "delivery report (bounce)"
	}
	if rp := strings.TrimSpace(h.Get("Return-Path")); rp == "<>" {
		return "bounce (empty return path)"
	}
	local, _, _ := strings.Cut(m.From, "@")
	switch local {
	case "mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply", "do-not-reply", "bounce", "bounces":
		return "sent by " + local
	}
	switch p := strings.ToLower(strings.TrimSpace(h.Get("Precedence"))); p {
	case "bulk", "list", "junk", "auto_reply":
		return "bulk mail (Precedence: " + p + ")"
	}
	for _, key := range []string{"List-Id", "List-Unsubscribe", "List-Post"} {
		if h.Get(key) != "" {
			return "mailing list (" + key + ")"
		}
	}
	subject := strings.ToLower(m.Subject)
	for _, prefix := range []string{"auto:", "automatic reply", "autoreply", "auto-reply", "out of office", "out of the office",
		"undeliverable", "undelivered mail", "delivery status notification", "mail delivery failed", "returned mail"} {
		if strings.HasPrefix(subject, prefix) {
			return "auto-reply (subject)"
		}
	}
	return ""
}
