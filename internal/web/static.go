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

// assets are the static files, prepared once: the stylesheet under a name
// that holds its content hash (so it can be cached for ever and a new version
// is a new URL) and a favicon drawn at start-up.
type assets struct {
	cssName string // style.<hash>.css
	cssURL  string
	cssGzip []byte
	favicon []byte
}

func loadAssets() (*assets, error) {
	sum := sha256.Sum256(styleCSS)
	a := &assets{cssName: "style." + hex.EncodeToString(sum[:6]) + ".css"}
	a.cssURL = "/static/" + a.cssName
	var zb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&zb, gzip.BestCompression)
	zw.Write(styleCSS)
	zw.Close()
	a.cssGzip = zb.Bytes()
	ico, err := drawFavicon()
	if err != nil {
		return nil, fmt.Errorf("web: favicon: %w", err)
	}
	a.favicon = ico
	return a, nil
}

func (s *Server) static(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("name") != s.assets.cssName {
		s.renderError(w, r, errNotFound)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/css; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Vary", "Accept-Encoding")
	body := styleCSS
	if acceptsGzip(r) {
		body = s.assets.cssGzip
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

func (s *Server) favicon(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "image/x-icon")
	h.Set("Cache-Control", "public, max-age=604800")
	h.Set("Content-Length", strconv.Itoa(len(s.assets.favicon)))
	w.Write(s.assets.favicon)
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
	binary.Write(&ico, binary.LittleEndian, []uint16{0, 1, 1})
	// ICONDIRENTRY: width, height, colours, reserved, planes, bpp, size, offset.
	ico.Write([]byte{n, n, 0, 0})
	binary.Write(&ico, binary.LittleEndian, []uint16{1, 32})
	binary.Write(&ico, binary.LittleEndian, []uint32{uint32(pngBuf.Len()), 6 + 16})
	ico.Write(pngBuf.Bytes())
	return ico.Bytes(), nil
}
