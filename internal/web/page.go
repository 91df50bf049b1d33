package web

import (
	"net/http"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/confide/confide/internal/helplines"
	"github.com/confide/confide/internal/i18n"
	"github.com/confide/confide/internal/markup"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
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
		v.Description = markup.Excerpt(strings.NewReplacer("*", "", "_", "", "#", "", "[", "", "]", "").Replace(p.Body), 160)
		data := editablePageData{Page: p}
		if slug == "privacy" {
			// The facts come from the running site, so they cannot go stale
			// as the admin's text around them might.
			data.Facts = &privacyFacts{Retention: v.Site.LetterRetention, AddressDays: service.AddressHashDays}
		}
		v.Data = data
		return s.render(w, r, http.StatusOK, "page", v)
	}
}

// editablePageData is the Data of an editable page; /privacy also lists
// what the site stores, from its real settings.
type editablePageData struct {
	*model.Page
	Facts *privacyFacts
}

// privacyFacts are the settings /privacy reports.
type privacyFacts struct {
	Retention   string // months a closed private letter is kept ("0": until withdrawn)
	AddressDays int
}

// helpPage is the Data of /help and of the helpline notes on other pages:
// the reader's country and its lines first, then every line.
type helpPage struct {
	Country   string // ISO code, or "" when not known
	Name      string // the country's name
	Lines     []helplines.Line
	Emergency string
	All       []helplines.Line
	Countries [][2]string
}

// countryCookie remembers the country a reader chose on /help.
const countryCookie = "confide_country"

// readerHelp returns the help for the reader's country: the one chosen
// (?country=, then remembered in a cookie), else the one their browser's
// languages point to.
func (s *Server) readerHelp(w http.ResponseWriter, r *http.Request) helpPage {
	d, err := s.svc.HelplineDirectory(r.Context())
	if err != nil {
		// The built-in lines rather than no help at all.
		s.log.Error("helpline directory", "err", err)
		d = helplines.Builtin()
	}
	country := ""
	if c := strings.ToUpper(r.URL.Query().Get("country")); c != "" && (d.Has(c) || c == "XX") {
		country = c
		if w != nil {
			http.SetCookie(w, &http.Cookie{Name: countryCookie, Value: c, Path: "/", MaxAge: 365 * 24 * 3600, // #nosec G124 -- HttpOnly and SameSite=Lax; Secure whenever the site is served over HTTPS
				HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure || r.TLS != nil})
		}
	} else if ck, err := r.Cookie(countryCookie); err == nil && (d.Has(ck.Value) || ck.Value == "XX") {
		country = ck.Value
	} else if country = d.FromAcceptLanguage(r.Header.Get("Accept-Language")); country == "" {
		// A browser that names no country: a German site's readers are
		// most likely in Germany (an English site's could be anywhere).
		country = d.ForLanguage(s.lang(r).Tag)
	}
	if country == "XX" { // "another country"
		country = ""
	}
	l := s.lang(r)
	h := helpPage{Country: country, Lines: localLines(l, d.For(country)), Emergency: d.Emergency(country),
		All: localLines(l, d.All()), Countries: d.Countries()}
	for i, c := range h.Countries {
		h.Countries[i][1] = countryName(l, c[0], c[1])
	}
	slices.SortStableFunc(h.Countries, func(a, b [2]string) int { return strings.Compare(sortKey(a[1]), sortKey(b[1])) })
	slices.SortStableFunc(h.All, func(a, b helplines.Line) int { return strings.Compare(sortKey(a.CountryName), sortKey(b.CountryName)) })
	if len(h.Lines) > 0 {
		h.Name = h.Lines[0].CountryName
	}
	return h
}

// countryName is a country's name in the site's language, or the name the
// directory gives (an admin's own country, a language without names).
func countryName(l *i18n.Lang, code, name string) string {
	if id := "country." + code; l.Has(id) {
		return l.Text(id)
	}
	return name
}

// localLines copies lines with their countries named in the site's
// language.
func localLines(l *i18n.Lang, in []helplines.Line) []helplines.Line {
	out := slices.Clone(in)
	for i := range out {
		out[i].CountryName = countryName(l, out[i].Country, out[i].CountryName)
	}
	return out
}

// sortKey orders names as a reader looks them up: "Österreich" under O.
func sortKey(s string) string {
	var b strings.Builder
	for _, r := range norm.NFKD.String(s) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// help is /help. Its top part depends on the reader's country, so it is
// made for each request (it reads nothing from the database but the
// site's chrome) and kept by no shared cache.
func (s *Server) help(w http.ResponseWriter, r *http.Request) error {
	v, err := s.chrome(r.Context(), s.lang(r).Text("title.get_help_now"))
	if err != nil {
		return err
	}
	v.Canonical = s.baseURL + "/help"
	v.Description = s.lang(r).Text("help.description")
	v.Data = s.readerHelp(w, r)
	w.Header().Set("Vary", "Accept-Language, Cookie")
	w.Header().Set("Cache-Control", "private, no-cache")
	return s.render(w, r, http.StatusOK, "help", v)
}
