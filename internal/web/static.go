package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"strconv"
)

//go:embed templates/*.html templates/admin/*.html
var templateFiles embed.FS

//go:embed static/style.css
var styleCSS []byte

//go:embed static/site.js
var siteJS []byte

// assets are the static files, prepared once: each under a name that holds
// its content hash (so it can be cached for ever and a new version is a new
// URL), and a favicon drawn at start-up.
type assets struct {
	files   map[string]staticFile // by hashed name
	cssURL  string
	jsURL   string
	favicon []byte
}

type staticFile struct {
	ctype    string
	body, gz []byte
}

func loadAssets() (*assets, error) {
	a := &assets{files: map[string]staticFile{}}
	add := func(base, ext, ctype string, body []byte) string {
		sum := sha256.Sum256(body)
		name := base + "." + hex.EncodeToString(sum[:6]) + ext
		var zb bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&zb, gzip.BestCompression)
		zw.Write(body) // #nosec G104 -- writing the answer: a visitor who left is no error to handle
		zw.Close()     // #nosec G104 -- writing the answer: a visitor who left is no error to handle
		a.files[name] = staticFile{ctype: ctype, body: body, gz: zb.Bytes()}
		return "/static/" + name
	}
	a.cssURL = add("style", ".css", "text/css; charset=utf-8", styleCSS)
	a.jsURL = add("site", ".js", "text/javascript; charset=utf-8", siteJS)
	ico, err := drawFavicon()
	if err != nil {
		return nil, fmt.Errorf("web: favicon: %w", err)
	}
	a.favicon = ico
	return a, nil
}

func (s *Server) static(w http.ResponseWriter, r *http.Request) {
	f, ok := s.assets.files[r.PathValue("name")]
	if !ok {
		s.renderError(w, r, errNotFound)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.ctype)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Vary", "Accept-Encoding")
	body := f.body
	if acceptsGzip(r) {
		body = f.gz
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body) // #nosec G104 -- writing the answer: a visitor who left is no error to handle
}

func (s *Server) favicon(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "image/x-icon")
	h.Set("Cache-Control", "public, max-age=604800")
	h.Set("Content-Length", strconv.Itoa(len(s.assets.favicon)))
	w.Write(s.assets.favicon) // #nosec G104 -- writing the answer: a visitor who left is no error to handle
}

// drawFavicon draws the site's mark (a warm disc with a lighter centre) as a
// 32×32 PNG and wraps it in an ICO container, which every browser accepts at
// /favicon.ico.
func drawFavicon() ([]byte, error) {
	const n = 32
	img := image.NewNRGBA(image.Rect(0, 0, n, n))
	outer := color.NRGBA{0x9a, 0x4a, 0x2f, 0xff}
	inner := color.NRGBA{0xf6, 0xe7, 0xd8, 0xff}
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			dx, dy := float64(x)-15.5, float64(y)-15.5
			d := dx*dx + dy*dy
			switch {
			case d <= 6*6:
				img.Set(x, y, inner)
			case d <= 15.5*15.5:
				img.Set(x, y, outer)
			}
		}
	}
	var pngBuf bytes.Buffer
	if err := png.Encode(&pngBuf, img); err != nil {
		return nil, err
	}
	var ico bytes.Buffer
	// ICONDIR: reserved, type 1 (icon), one image.
	binary.Write(&ico, binary.LittleEndian, []uint16{0, 1, 1}) // #nosec G104 -- into a bytes.Buffer, which cannot fail
	// ICONDIRENTRY: width, height, colours, reserved, planes, bpp, size, offset.
	ico.Write([]byte{n, n, 0, 0})
	binary.Write(&ico, binary.LittleEndian, []uint16{1, 32})                        // #nosec G104 -- into a bytes.Buffer, which cannot fail
	binary.Write(&ico, binary.LittleEndian, []uint32{uint32(pngBuf.Len()), 6 + 16}) // #nosec G104 G115 -- a 16-pixel icon of a few hundred bytes; written into a bytes.Buffer, which cannot fail
	ico.Write(pngBuf.Bytes())
	return ico.Bytes(), nil
}
