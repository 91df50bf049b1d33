package web

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"net/http"
	"sync"
	"time"

	"github.com/confide/confide/internal/model"
)

// The Latest Comments box is on every page, and under a steady stream of
// comments it changes several times a second. Cached pages keep a slot for
// it instead (latestMarker) and are stored as two compressed parts; the box
// is rendered and compressed once per change, and a page is sent as its
// head, the box and its tail, one gzip stream. So a new comment re-renders
// the box once, not every page of the site.

// latestMarker is where the layout leaves the box's slot.
const latestMarker = "<!--confide:latest-comments-->"

// splicedBody is a cached page in two parts around the slot, each raw
// deflate data: the head ends with a sync flush (on a byte boundary, not
// final) and the tail is final, so head, box and tail joined are one
// deflate stream.
type splicedBody struct {
	ctype            string
	head, tail       []byte
	headCRC, tailCRC uint32
	headLen, tailLen int

	mu    sync.Mutex
	box   uint64   // the box version built holds
	built *payload // the whole page with that box
}

// fragment is one rendering of the box.
type fragment struct {
	id  uint64
	raw []byte
	def []byte // raw deflate, sync-flushed
	crc uint32
}

// latestBox holds the current fragment.
type latestBox struct {
	mu    sync.Mutex
	state model.ContentState
	made  time.Time
	cur   *fragment
	ids   uint64
}

var flatePool = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(nil, flate.DefaultCompression)
	return w
}}

// deflate compresses b; final ends the stream, otherwise it ends with a
// sync flush so that more deflate data may follow.
func deflate(b []byte, final bool) []byte {
	var buf bytes.Buffer
	w := flatePool.Get().(*flate.Writer)
	w.Reset(&buf)
	w.Write(b)
	if final {
		w.Close()
	} else {
		w.Flush()
	}
	flatePool.Put(w)
	return bytes.Clone(buf.Bytes())
}

func newSpliced(ctype string, body []byte) *splicedBody {
	i := bytes.Index(body, []byte(latestMarker))
	head, tail := body[:i], body[i+len(latestMarker):]
	return &splicedBody{ctype: ctype, head: deflate(head, false), tail: deflate(tail, true),
		headCRC: crc32.ChecksumIEEE(head), tailCRC: crc32.ChecksumIEEE(tail), headLen: len(head), tailLen: len(tail)}
}

// cost is the memory a spliced page holds, with one built copy.
func (b *splicedBody) cost() int { return 2*(cap(b.head)+cap(b.tail)) + 400 }

// with returns the page with box f, building it once per box.
func (b *splicedBody) with(f *fragment) *payload {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.built != nil && b.box == f.id {
		return b.built
	}
	size := b.headLen + len(f.raw) + b.tailLen
	crc := crc32Combine(crc32Combine(b.headCRC, f.crc, int64(len(f.raw))), b.tailCRC, int64(b.tailLen))
	gz := make([]byte, 0, 18+len(b.head)+len(f.def)+len(b.tail))
	gz = append(gz, 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff) // gzip, deflate, no name, no time
	gz = append(gz, b.head...)
	gz = append(gz, f.def...)
	gz = append(gz, b.tail...)
	gz = binary.LittleEndian.AppendUint32(gz, crc)
	gz = binary.LittleEndian.AppendUint32(gz, uint32(size))
	b.box = f.id
	b.built = &payload{ctype: b.ctype, gz: gz, size: size, made: time.Now(), etag: fmt.Sprintf(`W/"%08x%x"`, crc, size)}
	return b.built
}

// latestFragment returns the box for the current content state, rendering
// it when comments changed or it is a minute old (its times are relative).
func (s *Server) latestFragment(ctx context.Context) (*fragment, error) {
	v, err := s.contentState(ctx)
	if err != nil {
		return nil, err
	}
	b := &s.latest
	b.mu.Lock()
	if b.cur != nil && b.state == v && time.Since(b.made) < pageMaxAge {
		f := b.cur
		b.mu.Unlock()
		return f, nil
	}
	b.mu.Unlock()
	view, err := s.chrome(context.WithValue(ctx, stateKey{}, v), "")
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := s.tmpl["home"].ExecuteTemplate(&buf, "latest-comments", view); err != nil {
		return nil, fmt.Errorf("web: render latest comments: %w", err)
	}
	raw := buf.Bytes()
	f := &fragment{raw: raw, def: deflate(raw, false), crc: crc32.ChecksumIEEE(raw)}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.ids++
	f.id = b.ids
	if b.cur == nil || v.Version > b.state.Version || (v.Version == b.state.Version && v.Changes >= b.state.Changes) {
		b.cur, b.state, b.made = f, v, time.Now()
	}
	return f, nil
}

// sendCached sends a payload, filling the Latest Comments slot of a
// spliced page first.
func (s *Server) sendCached(w http.ResponseWriter, r *http.Request, status int, p *payload) error {
	if p.spliced != nil {
		f, err := s.latestFragment(r.Context())
		if err != nil {
			return err
		}
		p = p.spliced.with(f)
	}
	s.send(w, r, status, p)
	return nil
}

// crc32Combine returns the CRC-32 (IEEE) of A followed by B from the CRC
// of A, the CRC of B and B's length, without reading either again. CRC is
// linear: appending len2 zero bytes to A is a fixed linear map of crc1 (a
// 32×32 matrix over GF(2)), applied here by squaring the one-zero-bit
// operator, as zlib's crc32_combine does.
func crc32Combine(crc1, crc2 uint32, len2 int64) uint32 {
	if len2 <= 0 {
		return crc1
	}
	var even, odd [32]uint32
	odd[0] = 0xedb88320 // the operator for one zero bit
	for n, row := 1, uint32(1); n < 32; n, row = n+1, row<<1 {
		odd[n] = row
	}
	square(&even, &odd) // two zero bits
	square(&odd, &even) // four zero bits
	for {
		square(&even, &odd) // one zero byte, then two, four…
		if len2&1 != 0 {
			crc1 = times(&even, crc1)
		}
		if len2 >>= 1; len2 == 0 {
			break
		}
		square(&odd, &even)
		if len2&1 != 0 {
			crc1 = times(&odd, crc1)
		}
		if len2 >>= 1; len2 == 0 {
			break
		}
	}
	return crc1 ^ crc2
}

func times(mat *[32]uint32, vec uint32) uint32 {
	var sum uint32
	for i := 0; vec != 0; i, vec = i+1, vec>>1 {
		if vec&1 != 0 {
			sum ^= mat[i]
		}
	}
	return sum
}

func square(dst, mat *[32]uint32) {
	for n := range 32 {
		dst[n] = times(mat, mat[n])
	}
}
