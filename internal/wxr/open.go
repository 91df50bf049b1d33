package wxr

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"html"
	"io"
	"net/url"
	"os"
	"strings"
)

// ErrTooBig is returned by a reader from Open once more than its limit has
// been read: a file, or what a .gz file unpacks to, over the limit.
var ErrTooBig = errors.New("the export is bigger than the size limit")

// Open opens an export for reading: plain XML, or gzip-compressed (told by
// its first bytes, whatever its name). Reading more than limit bytes of XML
// fails with ErrTooBig, so a small .gz cannot unpack into an endless file.
func Open(path string, limit int64) (io.ReadCloser, error) {
	f, err := os.Open(path) // #nosec G304 -- the export file the operator named on the command line
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err != nil {
		f.Close() // #nosec G104 -- closing on the way out: nothing is left to do with an error
		return nil, err
	} else if st.IsDir() {
		f.Close() // #nosec G104 -- closing on the way out: nothing is left to do with an error
		return nil, fmt.Errorf("%s is a folder, not an export file", path)
	} else if st.Size() > limit {
		f.Close() // #nosec G104 -- closing on the way out: nothing is left to do with an error
		return nil, fmt.Errorf("%w (%d MB, the limit is %d MB)", ErrTooBig, st.Size()>>20, limit>>20)
	}
	br := bufio.NewReaderSize(f, 1<<16)
	var r io.Reader = br
	var gz *gzip.Reader
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		if gz, err = gzip.NewReader(br); err != nil {
			f.Close() // #nosec G104 -- closing on the way out: nothing is left to do with an error
			return nil, fmt.Errorf("%s: not a readable gzip file: %w", path, err)
		}
		r = gz
	}
	return &limited{r: r, left: limit, limit: limit, close: func() error {
		if gz != nil {
			gz.Close() // #nosec G104 -- closing on the way out: nothing is left to do with an error
		}
		return f.Close()
	}}, nil
}

// limited reads at most limit bytes and fails past them.
type limited struct {
	r           io.Reader
	left, limit int64
	close       func() error
}

func (l *limited) Read(p []byte) (int, error) {
	if l.left <= 0 {
		// One byte more tells a file of exactly the limit from a bigger one.
		var one [1]byte
		if n, _ := l.r.Read(one[:]); n > 0 {
			return 0, fmt.Errorf("%w (%d MB once unpacked)", ErrTooBig, l.limit>>20)
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

func (l *limited) Close() error { return l.close() }

// cleanTitle makes plain text of a title as WordPress keeps it: entities
// decoded ("&#8217;" is ’), tags removed, spaces folded.
func cleanTitle(s string) string {
	s = html.UnescapeString(s)
	if strings.ContainsRune(s, '<') {
		s = PlainText(s)
	}
	return strings.Join(strings.Fields(s), " ")
}

// decodeSlug reads a WordPress slug: non-ASCII ones are kept
// percent-encoded ("%d0%bc%d0%b0%d0%bc%d0%b0").
func decodeSlug(s string) string {
	s = strings.TrimSpace(s)
	if d, err := url.PathUnescape(s); err == nil {
		return d
	}
	return s
}
