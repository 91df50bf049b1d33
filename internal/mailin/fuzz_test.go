package mailin

import "testing"

// Any message in the mailbox is read or refused with an error: never a
// panic (a worker that panics would stop reading letters).
func FuzzParse(f *testing.F) {
	f.Add([]byte("From: Ann <ann@example.org>\r\nSubject: Hello\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nI feel alone.\r\n"))
	f.Add([]byte("From: a@example.org\r\nContent-Type: multipart/alternative; boundary=x\r\n\r\n--x\r\nContent-Type: text/html\r\n\r\n<p>Hi</p>\r\n--x--\r\n"))
	f.Add([]byte("Content-Transfer-Encoding: base64\r\n\r\n!!!"))
	f.Add([]byte("From: =?utf-8?q?=E2=80=8B?= <x@y>\r\nAuto-Submitted: auto-replied\r\n\r\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		if len(raw) > 1<<16 {
			return
		}
		Parse(raw)
	})
}
