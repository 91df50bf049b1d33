package web

import (
	"net/http"
)

func (s *Server) editablePage(slug string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := s.svc.Page(r.Context(), slug)
		if err != nil {
			return err
		}
		v, err := s.chrome(r.Context(), p.Title)
		if err != nil {
			return err
		}
		v.Canonical = s.baseURL + "/" + slug
		v.Data = p
		return s.render(w, r, http.StatusOK, "page", v)
	}
}

// Helpline is one crisis line on the /help page.
type Helpline struct {
	Country, Name, Contact, Hours string
}

// helplines are public numbers, each checked against the service's own site
// (988lifeline.org, samaritans.org, lifeline.org.au, talksuicide.ca,
// telefonseelsorge.de, 3114.nl, sos-amitie.com, findahelpline.com).
var helplines = []Helpline{
	{"United States", "988 Suicide & Crisis Lifeline", "Call or text 988", "24 hours"},
	{"United Kingdom and Ireland", "Samaritans", "Call 116 123", "24 hours"},
	{"Canada", "9-8-8 Suicide Crisis Helpline", "Call or text 988", "24 hours"},
	{"Australia", "Lifeline", "Call 13 11 14", "24 hours"},
	{"Germany", "TelefonSeelsorge", "Call 0800 111 0 111 or 0800 111 0 222", "24 hours"},
	{"Netherlands", "113 Zelfmoordpreventie", "Call 113 or 0800 0113", "24 hours"},
	{"France", "3114 Numéro national de prévention du suicide", "Call 3114", "24 hours"},
	{"Anywhere else", "Find A Helpline", "findahelpline.com lists free lines by country", ""},
}

func (s *Server) help(w http.ResponseWriter, r *http.Request) error {
	v, err := s.chrome(r.Context(), "Get help now")
	if err != nil {
		return err
	}
	v.Canonical = s.baseURL + "/help"
	v.Data = helplines
	return s.render(w, r, http.StatusOK, "help", v)
}
