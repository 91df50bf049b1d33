package spam

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"
)

// A form key is given to a visitor with the per-visitor parts of a form (the
// CAPTCHA challenge) and comes back with the post: it carries the challenge's
// id and when it was issued, signed with the site's secret, so any instance
// can tell how long the visitor took without storing anything.

// Errors of OpenKey.
var (
	ErrKeyInvalid = errors.New("spam: form key invalid")
)

// SignKey returns a form key for challenge id issued at the given time.
func SignKey(secret []byte, id string, issued time.Time) string {
	payload := id + "." + strconv.FormatInt(issued.Unix(), 36)
	return payload + "." + mac(secret, "formkey", payload)
}

// OpenKey checks a form key's signature and returns its challenge id and
// when it was issued.
func OpenKey(secret []byte, key string) (id string, issued time.Time, err error) {
	payload, sig, ok := cutLast(key, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(mac(secret, "formkey", payload))) {
		return "", time.Time{}, ErrKeyInvalid
	}
	id, at, ok := cutLast(payload, ".")
	if !ok {
		return "", time.Time{}, ErrKeyInvalid
	}
	sec, err := strconv.ParseInt(at, 36, 64)
	if err != nil {
		return "", time.Time{}, ErrKeyInvalid
	}
	return id, time.Unix(sec, 0).UTC(), nil
}

// KeyAge says whether a form posted at now with a key issued at issued came
// too fast for a person (under min) or too late (over max).
func KeyAge(issued, now time.Time, min, max time.Duration) (tooFast, tooOld bool) {
	d := now.Sub(issued)
	return d < min, d > max
}

func cutLast(s, sep string) (before, after string, ok bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return "", "", false
	}
	return s[:i], s[i+len(sep):], true
}

// mac is HMAC-SHA256 of msg under secret, separated by purpose so that a
// value signed for one use is never valid for another.
func mac(secret []byte, purpose, msg string) string {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte(purpose))
	h.Write([]byte{0})
	h.Write([]byte(msg))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:18])
}

// SignValue returns value with a signature for purpose, for links that must
// be unforgeable but need nothing stored (unsubscribe links).
func SignValue(secret []byte, purpose, value string) string {
	return value + "." + mac(secret, purpose, value)
}

// OpenValue returns the value of a SignValue result if its signature is good.
func OpenValue(secret []byte, purpose, signed string) (string, bool) {
	value, sig, ok := cutLast(signed, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(mac(secret, purpose, value))) {
		return "", false
	}
	return value, true
}

// LinkSecret is the secret of a private link made from a random salt with
// the site's key: the database keeps the salt and the secret's hash, so
// mail can carry the link again, and a copy of the database alone opens
// nothing.
func LinkSecret(secret []byte, salt string) string { return mac(secret, "link", salt) }
