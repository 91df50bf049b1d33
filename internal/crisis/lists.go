package crisis

import (
	"bufio"
	"embed"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

//go:embed lists/*.txt lists/*.model
var listFiles embed.FS

// Lists are one language's word lists (see lists/en.txt for the format).
type Lists struct {
	Replace    map[string][]string
	Classes    map[string]map[string]bool
	Phrases    [4][]Phrase // by tier: Low, Medium, High (None unused)
	Negation   map[string]bool
	Other      map[string]bool
	Past       []Phrase
	LongAgo    []Phrase // many years back: a plan or means told so is a past attempt
	Filler     []Phrase // between a negation and a phrase, do not hide the negation
	DenyAfter  []Phrase // right after a phrase, deny it
	DenyLater  []Phrase // anywhere after a phrase in its sentence, deny it
	Quote      map[string]bool
	Figurative []Phrase
	Not        []Phrase // a match they overlap does not count
	Topic      []Phrase // the subject: suicide or self-harm
	// Concepts are kinds of words (means, finality, plan, time) that the
	// detector combines in a passage; see combine in detect.go.
	Concepts map[string][]Phrase

	wordClasses map[string][]string // a word's classes, sorted (for the model)
}

// Phrase is a parsed phrase: its text and its parts.
type Phrase struct {
	Text  string
	parts []part
}

// part is one element of a phrase.
type part struct {
	word   string // a literal word (normalised)
	prefix bool   // word*: any word beginning with word
	class  string // @class
	number int    // <n> (-1 when not a number part) and the least value
	gap    int    // ~N: up to N words
}

// Load reads the built-in lists of a language ("en").
func Load(lang string) (*Lists, error) {
	return readBuiltin("lists/"+lang+".txt", "word lists", lang, Parse)
}

// LoadModel reads the built-in scored model of a language ("en").
func LoadModel(lang string) (*Model, error) {
	return readBuiltin("lists/"+lang+".model", "model", lang, ReadModel)
}

// readBuiltin reads one of the embedded files of a language.
func readBuiltin[T any](name, what, lang string, read func(io.Reader) (T, error)) (T, error) {
	f, err := listFiles.Open(name)
	if err != nil {
		var none T
		return none, fmt.Errorf("crisis: no %s for %q", what, lang)
	}
	defer f.Close()
	return read(f)
}

// phraseSections are the sections of phrases that are not a tier's, and
// the list of Lists each fills.
var phraseSections = map[string]func(*Lists) *[]Phrase{
	"past":       func(l *Lists) *[]Phrase { return &l.Past },
	"long ago":   func(l *Lists) *[]Phrase { return &l.LongAgo },
	"filler":     func(l *Lists) *[]Phrase { return &l.Filler },
	"deny after": func(l *Lists) *[]Phrase { return &l.DenyAfter },
	"deny later": func(l *Lists) *[]Phrase { return &l.DenyLater },
	"figurative": func(l *Lists) *[]Phrase { return &l.Figurative },
	"not":        func(l *Lists) *[]Phrase { return &l.Not },
	"topic":      func(l *Lists) *[]Phrase { return &l.Topic },
}

// Parse reads word lists in the format of lists/en.txt; an operator's own
// file can be read the same way.
func Parse(r io.Reader) (*Lists, error) {
	l := &Lists{Replace: map[string][]string{}, Classes: map[string]map[string]bool{},
		Negation: map[string]bool{}, Other: map[string]bool{}, Quote: map[string]bool{}, Concepts: map[string][]Phrase{}}
	sc := bufio.NewScanner(r)
	section, lineNo := "", 0
	for sc.Scan() {
		lineNo++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			section = strings.TrimSpace(line[1 : len(line)-1])
			if name, ok := strings.CutPrefix(section, "class "); ok {
				l.Classes[strings.TrimSpace(name)] = map[string]bool{}
			}
			continue
		}
		fail := func(msg string) error { return fmt.Errorf("crisis: word lists, line %d: %s: %q", lineNo, msg, line) }
		words := Words(line)
		switch {
		case section == "replace":
			from, to, ok := strings.Cut(line, "=")
			if !ok {
				return nil, fail("a replacement is written \"word = words\"")
			}
			key := strings.Join(Words(from), " ")
			if key == "" {
				return nil, fail("nothing to replace")
			}
			l.Replace[key] = Words(to)
		case strings.HasPrefix(section, "concept "):
			p, err := parsePhrase(line)
			if err != nil {
				return nil, fail(err.Error())
			}
			name := strings.TrimSpace(strings.TrimPrefix(section, "concept "))
			l.Concepts[name] = append(l.Concepts[name], p)
		case strings.HasPrefix(section, "class "):
			for _, w := range words {
				l.Classes[strings.TrimSpace(strings.TrimPrefix(section, "class "))][w] = true
			}
		case section == "high" || section == "medium" || section == "low":
			p, err := parsePhrase(line)
			if err != nil {
				return nil, fail(err.Error())
			}
			t, _ := ParseTier(section)
			l.Phrases[t] = append(l.Phrases[t], p)
		case section == "negation" || section == "other" || section == "quote":
			set := map[string]map[string]bool{"negation": l.Negation, "other": l.Other, "quote": l.Quote}[section]
			for _, w := range words {
				set[w] = true
			}
		case phraseSections[section] != nil:
			p, err := parsePhrase(line)
			if err != nil {
				return nil, fail(err.Error())
			}
			list := phraseSections[section](l)
			*list = append(*list, p)
		default:
			return nil, fail("a line outside any known section")
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for t := Low; t <= High; t++ {
		for _, p := range l.Phrases[t] {
			for _, pt := range p.parts {
				if pt.class != "" && l.Classes[pt.class] == nil {
					return nil, fmt.Errorf("crisis: word lists: phrase %q names an unknown class @%s", p.Text, pt.class)
				}
			}
		}
	}
	l.wordClasses = map[string][]string{}
	names := make([]string, 0, len(l.Classes))
	for name := range l.Classes {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for w := range l.Classes[name] {
			l.wordClasses[w] = append(l.wordClasses[w], name)
		}
	}
	return l, nil
}

func parsePhrase(line string) (Phrase, error) {
	p := Phrase{Text: line}
	for _, f := range strings.Fields(strings.ToLower(line)) {
		switch {
		case strings.HasPrefix(f, "~"):
			n, err := strconv.Atoi(f[1:])
			if err != nil || n < 1 || n > 12 {
				return p, fmt.Errorf("a gap is ~1 to ~12")
			}
			if len(p.parts) == 0 {
				return p, fmt.Errorf("a phrase cannot start with a gap")
			}
			p.parts = append(p.parts, part{gap: n, number: -1})
		case strings.HasPrefix(f, "@"):
			p.parts = append(p.parts, part{class: f[1:], number: -1})
		case f == "<n>":
			p.parts = append(p.parts, part{number: 0})
		case strings.HasPrefix(f, "<n") && strings.HasSuffix(f, ">"):
			n, err := strconv.Atoi(f[2 : len(f)-1])
			if err != nil {
				return p, fmt.Errorf("a number is <n> or <nN>")
			}
			p.parts = append(p.parts, part{number: n})
		default:
			prefix := strings.HasSuffix(f, "*")
			for _, w := range Words(strings.TrimSuffix(f, "*")) {
				p.parts = append(p.parts, part{word: w, number: -1})
			}
			if prefix && len(p.parts) > 0 {
				p.parts[len(p.parts)-1].prefix = true
			}
		}
	}
	if len(p.parts) == 0 {
		return p, fmt.Errorf("an empty phrase")
	}
	if p.parts[len(p.parts)-1].gap > 0 {
		return p, fmt.Errorf("a phrase cannot end with a gap")
	}
	return p, nil
}

// ClientLists is what a browser needs for the plain phrase match it runs
// while a person types (see static/site.js): the replacements, the classes
// and the phrases with their tiers. Context is left to the server, whose
// tier is the authority.
type ClientLists struct {
	Replace map[string][]string `json:"replace"`
	Classes map[string][]string `json:"classes"`
	Phrases [][2]string         `json:"phrases"` // tier, phrase
}

// Client returns the lists for the browser.
func (l *Lists) Client() ClientLists {
	c := ClientLists{Replace: l.Replace, Classes: map[string][]string{}}
	for name, words := range l.Classes {
		for w := range words {
			c.Classes[name] = append(c.Classes[name], w)
		}
		sort.Strings(c.Classes[name])
	}
	for t := High; t >= Low; t-- {
		for _, p := range l.Phrases[t] {
			c.Phrases = append(c.Phrases, [2]string{t.String(), p.Text})
		}
	}
	return c
}
