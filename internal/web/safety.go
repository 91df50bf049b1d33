package web

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"sync"

	"github.com/confide/confide/internal/crisis"
)

// The crisis note while a person types: the browser matches the same word
// lists as the server (a plain phrase match, on the device: nothing is
// sent while they write) and, on a match, shows the helplines of their
// country. Without JavaScript the note comes after sending.

var (
	phrasesOnce sync.Once
	phrasesJSON []byte
	phrasesETag string
)

// safetyPhrases is /safety/phrases.json: the word lists for the browser.
func (s *Server) safetyPhrases(w http.ResponseWriter, r *http.Request) error {
	phrasesOnce.Do(func() {
		phrasesJSON, _ = json.Marshal(crisis.English().Lists().Client())
		sum := sha256.Sum256(phrasesJSON)
		phrasesETag = `"` + hex.EncodeToString(sum[:8]) + `"`
	})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Header().Set("ETag", phrasesETag)
	if r.Header.Get("If-None-Match") == phrasesETag {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	_, err := w.Write(phrasesJSON)
	return err
}

// lineJSON is one helpline for the browser's note.
type lineJSON struct {
	Service string `json:"service"`
	Phone   string `json:"phone"`
	Tel     string `json:"tel"`
	Text    string `json:"text,omitempty"`
	Web     string `json:"web,omitempty"`
}

// safetyLines is /safety/lines: the reader's country's lines and
// emergency number, as /help would show them first.
func (s *Server) safetyLines(w http.ResponseWriter, r *http.Request) error {
	h := s.readerHelp(nil, r)
	out := struct {
		Country   string     `json:"country"`
		Name      string     `json:"name"`
		Emergency string     `json:"emergency"`
		Lines     []lineJSON `json:"lines"`
	}{Country: h.Country, Name: h.Name, Emergency: h.Emergency, Lines: []lineJSON{}}
	for _, l := range h.Lines {
		out.Lines = append(out.Lines, lineJSON{Service: l.Service, Phone: l.Phone, Tel: telURI(l.Phone), Text: l.Text, Web: l.Web})
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "private, no-cache")
	w.Header().Set("Vary", "Accept-Language, Cookie")
	return json.NewEncoder(w).Encode(out)
}
