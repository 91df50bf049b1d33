// Package helplines is the directory of crisis lines shipped with Confide:
// a data file of lines by country (each confirmed in two public sources,
// named in the file) and of emergency numbers, and the choice of a
// reader's country from their browser's languages. It is pure: no
// network, no database.
package helplines

import (
	"bufio"
	_ "embed"
	"fmt"
	"sort"
	"strings"
)

// Line is one crisis line.
type Line struct {
	Country     string // ISO 3166 code: "GB"
	CountryName string
	Service     string
	Phone       string
	Text        string // text, chat or e-mail; may be empty
	Web         string // without scheme; may be empty
	Hours       string // empty when not confirmed
	Sources     string
	Checked     string // year and month the row was checked
}

//go:embed helplines.tsv
var linesFile string

//go:embed emergency.tsv
var emergencyFile string

// Directory is the lines of every country and their emergency numbers.
type Directory struct {
	lines     []Line
	emergency map[string]string
}

// Builtin returns the directory shipped with Confide.
func Builtin() *Directory {
	d, err := Parse(linesFile, emergencyFile)
	if err != nil {
		panic(err) // the shipped files are tested; they parse
	}
	return d
}

// Parse reads a directory from its two files.
func Parse(lines, emergency string) (*Directory, error) {
	d := &Directory{emergency: map[string]string{}}
	err := eachRow(lines, 9, func(f []string) {
		d.lines = append(d.lines, Line{Country: f[0], CountryName: f[1], Service: f[2], Phone: f[3], Text: f[4], Web: f[5],
			Hours: f[6], Sources: f[7], Checked: f[8]})
	})
	if err != nil {
		return nil, fmt.Errorf("helplines: %w", err)
	}
	if err := eachRow(emergency, 2, func(f []string) { d.emergency[f[0]] = f[1] }); err != nil {
		return nil, fmt.Errorf("helplines: emergency numbers: %w", err)
	}
	sort.SliceStable(d.lines, func(i, j int) bool { return d.lines[i].CountryName < d.lines[j].CountryName })
	return d, nil
}

func eachRow(file string, cols int, fn func([]string)) error {
	sc := bufio.NewScanner(strings.NewReader(file))
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != cols {
			return fmt.Errorf("line %d has %d columns, want %d", n, len(f), cols)
		}
		if len(f[0]) != 2 || strings.ToUpper(f[0]) != f[0] {
			return fmt.Errorf("line %d: %q is not a country code", n, f[0])
		}
		fn(f)
	}
	return sc.Err()
}

// All returns every line, by country name.
func (d *Directory) All() []Line { return d.lines }

// For returns the lines of a country (none for an unknown one).
func (d *Directory) For(country string) []Line {
	var out []Line
	for _, l := range d.lines {
		if l.Country == country {
			out = append(out, l)
		}
	}
	return out
}

// Emergency returns a country's emergency number, or "" when not known.
func (d *Directory) Emergency(country string) string { return d.emergency[country] }

// Countries returns the codes and names of the countries with a line, by
// name, for a chooser.
func (d *Directory) Countries() [][2]string {
	var out [][2]string
	seen := map[string]bool{}
	for _, l := range d.lines {
		if !seen[l.Country] {
			seen[l.Country] = true
			out = append(out, [2]string{l.Country, l.CountryName})
		}
	}
	return out
}

// Has reports whether the directory has lines for a country.
func (d *Directory) Has(country string) bool { return len(d.For(country)) > 0 }

// languageCountry is the country whose lines a language without a region
// most likely wants. English has none: it is spoken in too many.
var languageCountry = map[string]string{"de": "DE", "fr": "FR", "nl": "NL", "es": "ES", "sv": "SE", "nb": "NO", "nn": "NO",
	"no": "NO", "da": "DK", "ja": "JP", "ko": "KR", "he": "IL", "iw": "IL", "hi": "IN"}

// FromAcceptLanguage picks the reader's country from an Accept-Language
// header: the first language with a region the directory knows ("en-GB",
// "de-AT"), else the first language that points to one country ("de"),
// else "".
func (d *Directory) FromAcceptLanguage(header string) string {
	type tag struct {
		lang, region string
		q            float64
	}
	var tags []tag
	for i, part := range strings.Split(header, ",") {
		v, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0 - float64(i)*0.0001 // keep the header's order among equals
		if qs, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			var f float64
			if _, err := fmt.Sscanf(qs, "%g", &f); err == nil {
				q = f - float64(i)*0.0001
			}
		}
		lang, region, _ := strings.Cut(strings.ReplaceAll(v, "_", "-"), "-")
		if lang == "" || lang == "*" {
			continue
		}
		tags = append(tags, tag{strings.ToLower(lang), strings.ToUpper(region), q})
		if i > 20 {
			break
		}
	}
	sort.SliceStable(tags, func(i, j int) bool { return tags[i].q > tags[j].q })
	for _, t := range tags {
		if len(t.region) == 2 && d.Has(t.region) {
			return t.region
		}
	}
	for _, t := range tags {
		if c := languageCountry[t.lang]; c != "" && d.Has(c) {
			return c
		}
	}
	return ""
}

// ForLanguage is the country a site written in lang ("de") most likely
// serves, when the directory has lines for it; "" for English and the
// languages spoken in many countries.
func (d *Directory) ForLanguage(lang string) string {
	if c := languageCountry[strings.ToLower(lang)]; c != "" && d.Has(c) {
		return c
	}
	return ""
}

// WithOverrides returns the directory with an admin's lines: a country
// that has any shows those alone, in place of the built-in ones; others
// are added.
func (d *Directory) WithOverrides(extra []Line, emergency map[string]string) *Directory {
	if len(extra) == 0 && len(emergency) == 0 {
		return d
	}
	own := map[string]bool{}
	for _, l := range extra {
		own[l.Country] = true
	}
	out := &Directory{emergency: map[string]string{}}
	for _, l := range d.lines {
		if !own[l.Country] {
			out.lines = append(out.lines, l)
		}
	}
	out.lines = append(out.lines, extra...)
	sort.SliceStable(out.lines, func(i, j int) bool { return out.lines[i].CountryName < out.lines[j].CountryName })
	for k, v := range d.emergency {
		out.emergency[k] = v
	}
	for k, v := range emergency {
		out.emergency[k] = v
	}
	return out
}
