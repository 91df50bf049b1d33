package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"
)

// Any form body is read or refused with a clear error; what is read is
// valid UTF-8 without control characters other than tabs and line breaks.
func FuzzForm(f *testing.F) {
	for _, s := range []string{"name=Ann&body=Hello", "name=a&name=b", "body=%00", "body=%FF%FE", "x=%zz", "body=a%0Bb", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest(http.MethodPost, "/share", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		fm, err := newForm(r, "name", "body", "email")
		if err != nil {
			return
		}
		for k, v := range fm.Values {
			if !utf8.ValidString(v) || strings.ContainsFunc(v, func(c rune) bool { return c < 0x20 && c != '\t' && c != '\n' && c != '\r' }) {
				t.Fatalf("%s accepted as %q", k, v)
			}
		}
	})
}
