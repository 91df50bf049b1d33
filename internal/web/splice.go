package web

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/confide/confide/internal/i18n"
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
// deflate stream. Sending it writes the parts one after the other; the
// gzip trailer's CRC is computed from the parts' CRCs (crcShift), so a new
// box costs a page nothing but a few hundred operations.
type splicedBody struct {
	ctype            string
	head, tail       []byte
	headCRC, tailCRC uint32
	headLen, tailLen int
	tailShift        *crcShift
	// plain holds head and tail inflated, made the first time a client
	// that does not take gzip asks (and counted in the cache's budget
	// then): inflating per request cost six times a gzip answer.
	plain atomic.Pointer[[2][]byte]
	// joined is the page with the box it was last sent with: the box
	// changes a few times a minute at most, and the page is sent thousands
	// of times in between, each time with the same parts, length and ETag.
	joined atomic.Pointer[splice]
}

// splice is a page's parts with one box, ready to send.
type splice struct {
	box        *fragment
	parts      [][]byte
	size       int    // of the page inflated
	etag       string // the ETag both encodings share
	etagHeader []string
	gzipLen    []string // Content-Length of the gzip stream
	plainLen   []string // Content-Length of the page inflated
}

// fragment is one rendering of the box.
type fragment struct {
	id    uint64
	raw   []byte
	def   []byte // raw deflate, sync-flushed
	crc   uint32
	shift *crcShift // appends len(raw) bytes to a CRC
}

// latestBox holds the current fragment.
type latestBox struct {
	mu        sync.Mutex
	state     model.ContentState
	made      time.Time
	cur       *fragment
	ids       uint64
	rendering bool // a request is making the next box
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
	w.Write(b) // #nosec G104 -- writing the answer: a visitor who left is no error to handle
	if final {
		w.Close() // #nosec G104 -- writing the answer: a visitor who left is no error to handle
	} else {
		w.Flush() // #nosec G104 -- writing the answer: a visitor who left is no error to handle
	}
	flatePool.Put(w)
	return bytes.Clone(buf.Bytes())
}

func newSpliced(ctype string, body []byte) *splicedBody {
	i := bytes.Index(body, []byte(latestMarker))
	head, tail := body[:i], body[i+len(latestMarker):]
	return &splicedBody{ctype: ctype, head: deflate(head, false), tail: deflate(tail, true),
		headCRC: crc32.ChecksumIEEE(head), tailCRC: crc32.ChecksumIEEE(tail), headLen: len(head), tailLen: len(tail),
		tailShift: zeroShift(int64(len(tail)))}
}

func newFragment(raw []byte) *fragment {
	return &fragment{raw: raw, def: deflate(raw, false), crc: crc32.ChecksumIEEE(raw), shift: zeroShift(int64(len(raw)))}
}

// cost is the memory a spliced page holds.
func (b *splicedBody) cost() int { return cap(b.head) + cap(b.tail) + 400 + b.plainCost() }

func (b *splicedBody) plainCost() int {
	if pl := b.plain.Load(); pl != nil {
		return cap(pl[0]) + cap(pl[1])
	}
	return 0
}

// inflate returns head and tail as plain bytes.
func (b *splicedBody) inflate() ([2][]byte, error) {
	var out [2][]byte
	for i, part := range []struct {
		def []byte
		n   int
	}{{b.head, b.headLen}, {b.tail, b.tailLen}} {
		out[i] = make([]byte, part.n)
		zr := flate.NewReader(bytes.NewReader(part.def))
		_, err := io.ReadFull(zr, out[i])
		zr.Close() // #nosec G104 -- closing on the way out: nothing is left to do with an error
		if err != nil {
			return out, fmt.Errorf("web: inflate a cached page: %w", err)
		}
	}
	return out, nil
}

// gzipHeader starts every spliced page: gzip, deflate, no name, no time.
var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}

// spliceWith returns the parts of the page with box f, as one gzip stream,
// with the whole page's length and ETag: made once for each new box.
func (b *splicedBody) spliceWith(f *fragment) *splice {
	if sp := b.joined.Load(); sp != nil && sp.box == f {
		return sp
	}
	size := b.headLen + len(f.raw) + b.tailLen
	crc := b.tailShift.apply(f.shift.apply(b.headCRC)^f.crc) ^ b.tailCRC
	trailer := binary.LittleEndian.AppendUint32(binary.LittleEndian.AppendUint32(make([]byte, 0, 8), crc), uint32(size)) // #nosec G115 -- gzip keeps the size modulo 2^32, as RFC 1952 says
	sp := &splice{box: f, parts: [][]byte{gzipHeader, b.head, f.def, b.tail, trailer}, size: size,
		etag: `W/"` + strconv.FormatUint(uint64(crc), 16) + strconv.FormatInt(int64(size), 16) + `"`}
	n := 0
	for _, part := range sp.parts {
		n += len(part)
	}
	sp.gzipLen, sp.plainLen, sp.etagHeader = []string{strconv.Itoa(n)}, []string{strconv.Itoa(size)}, []string{sp.etag}
	b.joined.Store(sp)
	return sp
}

// latestFragmentAt returns the box for content state v, rendering
// it when comments changed or it is a minute old (its times are relative).
func (s *Server) latestFragmentAt(ctx context.Context, v model.ContentState) (*fragment, error) {
	b := &s.latest
	b.mu.Lock()
	if b.cur != nil && ((b.state == v && time.Since(b.made) < pageMaxAge) || b.rendering) {
		// Current, or being made anew by another request: a box a moment
		// old is better than every request rendering the same one.
		f := b.cur
		b.mu.Unlock()
		return f, nil
	}
	b.rendering = true
	b.mu.Unlock()
	defer func() {
		b.mu.Lock()
		b.rendering = false
		b.mu.Unlock()
	}()
	view, err := s.chrome(context.WithValue(ctx, stateKey{}, v), "")
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := s.tmpl[i18n.Get(view.Site.Language).Tag]["home"].ExecuteTemplate(&buf, "latest-comments", view); err != nil {
		return nil, fmt.Errorf("web: render latest comments: %w", err)
	}
	f := newFragment(buf.Bytes())
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
	v, err := s.contentState(r.Context())
	if err != nil {
		return err
	}
	return s.sendCachedAt(w, r, status, p, v)
}

// sendCachedAt is sendCached for content state v, read already.
func (s *Server) sendCachedAt(w http.ResponseWriter, r *http.Request, status int, p *payload, v model.ContentState) error {
	if p.spliced == nil {
		s.send(w, r, status, p)
		return nil
	}
	f, err := s.latestFragmentAt(r.Context(), v)
	if err != nil {
		return err
	}
	return s.sendSpliced(w, r, status, p, f)
}

// sendSpliced sends a spliced page with box f.
func (s *Server) sendSpliced(w http.ResponseWriter, r *http.Request, status int, p *payload, f *fragment) error {
	sp := p.spliced.spliceWith(f)
	h := w.Header()
	pageHeaders(h, p.spliced.ctype)
	if status == http.StatusOK {
		h["Etag"] = sp.etagHeader
		if len(h["Cache-Control"]) == 0 {
			h["Cache-Control"] = noCache
		}
		if etagMatches(r.Header.Get("If-None-Match"), sp.etag) {
			w.WriteHeader(http.StatusNotModified)
			return nil
		}
	}
	if acceptsGzip(r) {
		// One write of the joined parts: a write of each would cost the
		// connection a system call each.
		buf := bufPool.Get().(*bytes.Buffer)
		buf.Reset()
		defer bufPool.Put(buf)
		for _, part := range sp.parts {
			buf.Write(part)
		}
		h["Content-Encoding"] = gzipEncoding
		h["Content-Length"] = sp.gzipLen
		w.WriteHeader(status)
		if r.Method != http.MethodHead {
			w.Write(buf.Bytes()) // #nosec G104 -- writing the answer: a visitor who left is no error to handle
		}
		return nil
	}
	h["Content-Length"] = sp.plainLen
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return nil
	}
	parts := sp.parts
	if pl := s.plainParts(p); pl != nil {
		buf := bufPool.Get().(*bytes.Buffer)
		buf.Reset()
		defer bufPool.Put(buf)
		buf.Write(pl[0])
		buf.Write(f.raw)
		buf.Write(pl[1])
		w.Write(buf.Bytes()) // #nosec G104 -- writing the answer: a visitor who left is no error to handle
		return nil
	}
	readers := make([]io.Reader, len(parts))
	for i, part := range parts {
		readers[i] = bytes.NewReader(part)
	}
	zr := gunzipPool.Get().(*gzip.Reader)
	defer gunzipPool.Put(zr)
	buf := copyBufPool.Get().(*[]byte)
	defer copyBufPool.Put(buf)
	if err := zr.Reset(io.MultiReader(readers...)); err == nil {
		io.CopyBuffer(w, zr, *buf) // #nosec G104 -- writing the answer: a visitor who left is no error to handle
	}
	return nil
}

// plainParts returns a cached page's head and tail inflated, keeping them
// (once, counted in the cache's budget) when the page is still cached and
// the cache has room to spare; nil when the page is not cached, and the
// caller inflates for this request alone.
func (s *Server) plainParts(p *payload) *[2][]byte {
	if pl := p.spliced.plain.Load(); pl != nil {
		return pl
	}
	if s.pages == nil || p.key == "" {
		return nil
	}
	parts, err := p.spliced.inflate()
	if err != nil {
		s.log.Error("inflate a cached page", "err", err)
		return nil
	}
	c := s.pages
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[p.key]; !ok || e.Value.(*payload) != p {
		return nil // no longer cached: nothing to keep it in
	}
	if p.spliced.plain.Load() == nil {
		// Kept only in room to spare: clients without gzip must not push
		// pages out of the cache that every other reader is served from.
		if n := cap(parts[0]) + cap(parts[1]); c.size+n <= c.max*3/4 {
			p.spliced.plain.Store(&parts)
			c.size += n
		} else {
			return &parts // for this request alone
		}
	}
	return p.spliced.plain.Load()
}

// crcShift is the linear map that appending a run of zero bytes applies to
// a CRC-32 (IEEE): CRC is linear over GF(2), so the CRC of A followed by B
// is shift(len B) applied to CRC(A), xor CRC(B). Each column is the image
// of one bit. This is how zlib's crc32_combine works; the maps are kept
// here, so that combining costs 64 operations.
type crcShift [32]uint32

// apply maps crc through m.
func (m *crcShift) apply(crc uint32) uint32 {
	var sum uint32
	for i := 0; crc != 0; i, crc = i+1, crc>>1 {
		if crc&1 != 0 {
			sum ^= m[i]
		}
	}
	return sum
}

// then returns the map of m followed by n.
func (m *crcShift) then(n *crcShift) *crcShift {
	var out crcShift
	for i := range 32 {
		out[i] = n.apply(m[i])
	}
	return &out
}

// zeroShift returns the map that appending n zero bytes applies.
func zeroShift(n int64) *crcShift {
	var step, out crcShift // step: appending one zero bit, squared up
	step[0] = 0xedb88320
	for i := 1; i < 32; i++ {
		step[i] = 1 << (i - 1)
	}
	for i := range 32 {
		out[i] = 1 << i // identity
	}
	cur := &step
	for range 3 { // one bit → one byte
		cur = cur.then(cur)
	}
	res := &out
	for n > 0 {
		if n&1 != 0 {
			res = res.then(cur)
		}
		n >>= 1
		if n > 0 {
			cur = cur.then(cur)
		}
	}
	return res
}

// crc32Combine returns the CRC-32 of A followed by B from the CRC of A, the
// CRC of B and B's length.
func crc32Combine(crc1, crc2 uint32, len2 int64) uint32 {
	return zeroShift(len2).apply(crc1) ^ crc2
}
