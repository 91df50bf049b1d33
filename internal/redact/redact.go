// Package redact finds personal data in a letter before it is published:
// e-mail addresses, phone numbers, links and social handles, street
// addresses and postcodes, dates, ages, workplaces and schools, people's
// names and places, each with a replacement an advisor can apply in one
// click. It finds candidates for a person to check, never edits on its
// own. It is pure: no network, no database; the name and place lists are
// data files.
package redact

import (
	"bufio"
	_ "embed"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kinds of personal data.
const (
	Email    = "email"
	Phone    = "phone"
	URL      = "url"
	Handle   = "handle"
	Street   = "street"
	Postcode = "postcode"
	Date     = "date"
	Age      = "age"
	Work     = "work"
	School   = "school"
	Name     = "name"
	Place    = "place"
)

// Replacements are what a finding of each kind becomes in one click.
var Replacements = map[string]string{
	Email: "[e-mail address]", Phone: "[phone number]", URL: "[link]", Handle: "[account name]",
	Street: "[a street]", Postcode: "[postcode]", Date: "[a date]", Age: "[age]", Work: "[my workplace]",
	School: "[a school]", Name: "[name]", Place: "[a town]",
}

// KindNames say each kind in words, for advisors.
var KindNames = map[string]string{
	Email: "e-mail address", Phone: "phone number", URL: "link", Handle: "social media name", Street: "street",
	Postcode: "postcode", Date: "date", Age: "age", Work: "workplace", School: "school", Name: "name", Place: "place",
}

// Finding is one piece of likely personal data: text[Start:End].
type Finding struct {
	Kind       string
	Start, End int // byte offsets
	Text       string
}

//go:embed data/names.txt
var namesFile string

//go:embed data/places.txt
var placesFile string

var (
	firstNames = words(namesFile, true)
	places     = words(placesFile, false)
)

// words reads a data file: every word of every line (split), or every line.
func words(file string, split bool) map[string]bool {
	out := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(file))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if split {
			for _, w := range strings.Fields(line) {
				out[w] = true
			}
		} else {
			out[line] = true
		}
	}
	return out
}

const (
	capWord = `[A-Z][\p{L}'’&.-]*` // #nosec G101 -- a regular expression for capitalised words, not a credential
	months  = `(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)`
	days    = `(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)`
)

// rules find the kinds that have a shape. Order matters only for
// overlaps: the first kind found for a span is kept (see merge).
var rules = []struct {
	kind string
	re   *regexp.Regexp
	// group is the submatch that is the finding (0: all of it).
	group int
}{
	{Email, regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`), 0},
	{URL, regexp.MustCompile(`(?i)\b(?:https?://|www\.)[^\s<>"]+[^\s<>".,;:!?)]`), 0},
	{Handle, regexp.MustCompile(`(?:^|[\s(])(@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?)`), 1},
	{Phone, regexp.MustCompile(`(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,5}\)[\s.-]?)?\d{2,6}(?:[\s.-]\d{2,6}){1,4}\b|\b0\d{9,10}\b`), 0},
	{Postcode, regexp.MustCompile(`\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b`), 0},
	{Postcode, regexp.MustCompile(`(?i)\b(?:zip|zip code|zipcode|postcode|post code)(?:\s+is)?\s+(\d{5}(?:-\d{4})?)\b`), 1},
	{Street, regexp.MustCompile(`\b\d{1,4}[A-Za-z]?\s+(?:` + capWord + `\s+){1,3}(?:Street|St|Road|Rd|Lane|Ln|Avenue|Ave|Close|Drive|Dr|Way|Court|Crescent|Place|Terrace|Gardens|Grove|Row|Walk|Mews|Square)\b`), 0},
	{Street, regexp.MustCompile(`\b(?:` + capWord + `\s+){1,2}(?:Street|Road|Lane|Avenue|Close|Drive|Crescent|Terrace|Gardens|Grove|Mews|Square)\b`), 0},
	{Date, regexp.MustCompile(`\b(?:` + days + `,?\s+)?\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?` + months + `\b(?:,?\s+\d{4})?`), 0},
	{Date, regexp.MustCompile(`\b` + months + `\s+\d{1,2}(?:st|nd|rd|th)?\b(?:,?\s+\d{4})?`), 0},
	{Date, regexp.MustCompile(`\b` + months + `\s+\d{4}\b`), 0},
	{Date, regexp.MustCompile(`\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b`), 0},
	{Date, regexp.MustCompile(`\b(?:Christmas Day|Christmas Eve|New Year's Day|New Year’s Day|Boxing Day|Easter Sunday|Valentine's Day|Valentine’s Day)\b`), 0},
	{Date, regexp.MustCompile(`\b(?:[Ll]ast|[Ii]n|[Ss]ince|[Tt]his|[Nn]ext|[Uu]ntil|[Ee]arly|[Ll]ate)\s+(` + months + `)\b`), 1},
	{Age, regexp.MustCompile(`\b(\d{1,3})[- ]years?[- ]old\b`), 1},
	{Age, regexp.MustCompile(`(?i)\b(?:i'm|i’m|i am|aged|age|is|was|were|turned|turning)\s+(\d{1,3})\b(?:\s+years?\s+old)?`), 1},
	{School, regexp.MustCompile(`\b(?:[Tt]he\s+)?University\s+of\s+` + capWord + `(?:\s+` + capWord + `)?`), 0},
	{School, regexp.MustCompile(`\b(?:` + capWord + `\s+){1,3}(?:Primary School|High School|Secondary School|Grammar School|Primary|Academy|College|University|School)\b(?:\s+(?:London|Dublin|Cork))?`), 0},
	{Work, regexp.MustCompile(`(?i:\b(?:work|works|worked|working|job|jobs|employed|redundant|nurse|teacher|therapist|doctor|manager|boss|shift|shifts|internship)\s+(?:at|for|from|by|with))\s+((?:the\s+)?` + capWord + `(?:\s+` + capWord + `){0,3})`), 1},
	{Name, regexp.MustCompile(`\b(?:Mr|Mrs|Ms|Miss|Dr|Mx)\.?\s+` + capWord), 0},
	{Name, regexp.MustCompile(`(?i:\b(?:my|our|his|her|their)\s+(?:husband|wife|partner|boyfriend|girlfriend|son|daughter|mum|mom|mother|dad|father|brother|sister|friend|best friend|boss|uncle|aunt|cousin|grandson|granddaughter|grandmother|grandfather|nan|ex|manager|teacher|neighbour|neighbor|colleague|flatmate|child|baby)\s+)(` + capWord + `(?:\s+` + capWord + `)?)`), 1},
	{Name, regexp.MustCompile(`(?i:\b(?:called|named|name is|i'm|i am|this is|love,?|from)\s+)(` + capWord + `(?:\s+` + capWord + `)?)`), 1},
	{Place, regexp.MustCompile(`(?i:\b(?:in|from|to|near|outside|around|live in|lives in|moved to|grew up in)\s+)(` + capWord + `(?:\s+` + capWord + `)?)`), 1},
}

// notNames are capitalised words that follow "called", "in", "my son"… and
// are not names or places.
var notNames = map[string]bool{"I": true, "The": true, "A": true, "An": true, "My": true, "Christmas": true, "Easter": true,
	"God": true, "English": true, "March": false, "Monday": true, "Tuesday": true, "Wednesday": true, "Thursday": true,
	"Friday": true, "Saturday": true, "Sunday": true, "January": true, "February": true, "April": true, "May": true, "June": true,
	"July": true, "August": true, "September": true, "October": true, "November": true, "December": true, "Instagram": true,
	"Facebook": true, "Twitter": true, "TikTok": true, "WhatsApp": true, "Google": true, "It": true, "He": true, "She": true,
	"They": true, "We": true, "You": true, "This": true, "That": true, "There": true, "Please": true, "Thank": true, "Dear": true,
	"Sorry": true, "Yes": true, "No": true, "OK": true, "Mum": true, "Dad": true, "Mom": true}

// Find returns the likely personal data of a text, in order, without
// overlaps.
func Find(text string) []Finding {
	var found []Finding
	add := func(kind string, start, end int) {
		if start < end {
			found = append(found, Finding{Kind: kind, Start: start, End: end, Text: text[start:end]})
		}
	}
	for _, r := range rules {
		for _, m := range r.re.FindAllStringSubmatchIndex(text, -1) {
			start, end := m[2*r.group], m[2*r.group+1]
			if start < 0 {
				continue
			}
			switch r.kind {
			case Phone:
				if n := digits(text[start:end]); n < 9 || n > 15 {
					continue
				}
			case Age:
				if n, _ := strconv.Atoi(text[start:end]); n < 1 || n > 110 || followedByUnit(text[end:]) {
					continue
				}
			case Name, Place:
				start, end = trimProper(text, start, end)
				if start >= end || notNames[text[start:end]] || notNames[firstWord(text[start:end])] {
					continue
				}
				if r.kind == Place && firstNames[firstWord(text[start:end])] && !places[text[start:end]] {
					continue // "to Sam": a person
				}
			}
			add(r.kind, start, end)
		}
	}
	// Names and places from the lists, capitalised, not opening a sentence
	// (where any word is capitalised) unless the list is sure.
	for _, m := range properWords.FindAllStringIndex(text, -1) {
		w := text[m[0]:m[1]]
		switch {
		case places[w] && !sentenceStart(text, m[0]):
			add(Place, m[0], m[1])
		case firstNames[w] && !sentenceStart(text, m[0]) && !notNames[w]:
			end := m[1]
			// A surname after a first name is part of the name.
			if sm := surname.FindStringIndex(text[end:]); sm != nil && sm[0] == 0 {
				end += sm[1]
			}
			add(Name, m[0], end)
		case firstNames[w] && sentenceStart(text, m[0]) && followedByVerb(text[m[1]:]):
			add(Name, m[0], m[1])
		}
	}
	// Two-word places from the list ("New York").
	for p := range places {
		if strings.Contains(p, " ") {
			for i := strings.Index(text, p); i >= 0; {
				add(Place, i, i+len(p))
				next := strings.Index(text[i+len(p):], p)
				if next < 0 {
					break
				}
				i += len(p) + next
			}
		}
	}
	return merge(found)
}

var (
	properWords = regexp.MustCompile(`\b[A-Z][\p{L}'’-]+\b`)
	surname     = regexp.MustCompile(`^\s+[A-Z][\p{L}'’-]+`)
)

// merge sorts findings and drops those inside (or overlapping) an earlier
// or longer one.
func merge(in []Finding) []Finding {
	sort.SliceStable(in, func(i, j int) bool {
		if in[i].Start != in[j].Start {
			return in[i].Start < in[j].Start
		}
		return in[i].End-in[i].Start > in[j].End-in[j].Start
	})
	var out []Finding
	for _, f := range in {
		if n := len(out); n > 0 && f.Start < out[n-1].End {
			if f.End > out[n-1].End && rank[f.Kind] < rank[out[n-1].Kind] {
				out[n-1] = f
			}
			continue
		}
		out = append(out, f)
	}
	return out
}

// rank orders kinds when findings overlap: the one with a shape wins.
var rank = map[string]int{Email: 0, URL: 1, Handle: 2, Phone: 3, Postcode: 4, Street: 5, Date: 6, Age: 7, School: 8, Work: 9, Name: 10, Place: 11}

func digits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

// followedByUnit: "is 30 minutes", "was 10 pounds" are not ages.
func followedByUnit(rest string) bool {
	w := strings.ToLower(firstWord(strings.TrimLeft(rest, " ")))
	switch strings.TrimRight(w, ".,;:!?") {
	case "minutes", "minute", "hours", "hour", "days", "day", "weeks", "week", "months", "month", "pounds", "euros", "dollars",
		"percent", "%", "miles", "km", "kg", "times", "pm", "am", "o'clock", "quid", "grand", "mg", "pills", "tablets":
		return true
	}
	return false
}

func firstWord(s string) string {
	if i := strings.IndexFunc(s, unicode.IsSpace); i >= 0 {
		return s[:i]
	}
	return s
}

// trimProper keeps the capitalised words of a span, dropping a trailing
// possessive and punctuation.
func trimProper(text string, start, end int) (int, int) {
	s := text[start:end]
	s = strings.TrimRight(s, ".,;:!?'’-")
	for _, suf := range []string{"'s", "’s"} {
		s = strings.TrimSuffix(s, suf)
	}
	return start, start + len(s)
}

// sentenceStart reports whether position i opens a sentence (or the text).
func sentenceStart(text string, i int) bool {
	j := i
	for j > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:j])
		if !unicode.IsSpace(r) && r != '"' && r != '“' && r != '(' {
			return r == '.' || r == '!' || r == '?' || r == '\n'
		}
		j -= size
	}
	return true
}

// followedByVerb: a first name opening a sentence is a name when a verb
// follows ("Daniel and I", "Priya said").
func followedByVerb(rest string) bool {
	w := strings.ToLower(strings.TrimRight(firstWord(strings.TrimLeft(rest, " ")), ".,;:!?"))
	switch w {
	case "and", "said", "says", "told", "is", "was", "has", "had", "keeps", "kept", "thinks", "wants", "left", "knows", "came", "went":
		return true
	}
	return false
}

// Apply replaces the findings (of one text, as Find returned them) with
// their kinds' replacements.
func Apply(text string, fs []Finding) string {
	return ApplyWith(text, fs, func(kind string) string { return Replacements[kind] })
}

// ApplyWith is Apply with the replacements of another language: with(kind)
// says what a finding of that kind becomes.
func ApplyWith(text string, fs []Finding, with func(kind string) string) string {
	var b strings.Builder
	last := 0
	for _, f := range fs {
		if f.Start < last || f.End > len(text) || text[f.Start:f.End] != f.Text {
			continue // the text changed since: leave it to the advisor
		}
		b.WriteString(text[last:f.Start])
		b.WriteString(with(f.Kind))
		last = f.End
	}
	b.WriteString(text[last:])
	return b.String()
}
