package crisis

import (
	"regexp"
	"sort"
	"strings"
)

// StyleNote is a phrase that safe-messaging guidance advises against, in a
// reply or a story, with the wording it suggests.
type StyleNote struct {
	Found   string // as written
	Suggest string
	Why     string
}

// styleRules are written for Confide from the guidance most agree on:
// suicide is not a crime ("committed"), nor a success or a failure, and
// distress is not "attention seeking".
var styleRules = []struct {
	re      *regexp.Regexp
	suggest string
	why     string
}{
	{regexp.MustCompile(`(?i)\bcommit(?:ted|s|ting)?\s+suicide\b`), "died by suicide, took their own life", "“commit” speaks of a crime or a sin"},
	{regexp.MustCompile(`(?i)\b(?:successful|completed)\s+(?:suicide|attempt)\b`), "died by suicide", "death is not a success"},
	{regexp.MustCompile(`(?i)\b(?:failed|unsuccessful)\s+(?:suicide\s+)?attempt\b`), "survived a suicide attempt", "surviving is not a failure"},
	{regexp.MustCompile(`(?i)\bsuicide\s+victim\b`), "a person who died by suicide", "it defines a person by their death"},
	{regexp.MustCompile(`(?i)\bsuicide\s+epidemic\b`), "a rise in suicides", "alarming words can spread the idea"},
	{regexp.MustCompile(`(?i)\battention[\s-]seeking\b`), "a sign of distress, reaching out", "it dismisses a person asking for help"},
	{regexp.MustCompile(`(?i)\bcry\s+for\s+help\b`), "a sign that someone needs support", "it can sound as if the pain were not real"},
	{regexp.MustCompile(`(?i)\b(?:suicide|self[\s-]?harm)\s+(?:method|methods)\b`), "leave methods out entirely", "details of methods put readers at risk"},
	// German, from the same guidance as German services word it: a note
	// on a German phrase is written in German.
	{regexp.MustCompile(`(?i)\b(?:selbstmord|suizid)\s+(?:begehen|begangen|begeht|beging|begingen)\b|\b(?:begeht|beging|begingen|begangen|begehen)\s+(?:\S+\s+){0,2}(?:selbstmord|suizid)\b`), "sich das Leben nehmen, durch Suizid sterben", "„begehen“ spricht von einem Verbrechen"},
	{regexp.MustCompile(`(?i)\bselbstmord(?:e|es|s)?\b`), "Suizid", "„Mord“ spricht von einem Verbrechen"},
	{regexp.MustCompile(`(?i)\bselbstmörder(?:in|innen|n)?\b`), "ein Mensch, der durch Suizid gestorben ist", "es macht einen Menschen zu seinem Tod"},
	{regexp.MustCompile(`(?i)\bfreitod(?:es|s)?\b`), "Suizid", "„frei“ verklärt eine Tat, die fast immer in großer Not geschieht"},
	{regexp.MustCompile(`(?i)\b(?:erfolgreiche[nmrs]?|vollendete[nmrs]?)\s+(?:suizid|suizidversuch)\w*\b`), "durch Suizid gestorben", "ein Tod ist kein Erfolg"},
	{regexp.MustCompile(`(?i)\b(?:gescheiterte[nmrs]?|missglückte[nmrs]?|misslungene[nmrs]?|fehlgeschlagene[nmrs]?)\s+(?:suizidversuch|selbstmordversuch|versuch)\w*\b`), "einen Suizidversuch überlebt", "Überleben ist kein Scheitern"},
	{regexp.MustCompile(`(?i)\bhilfeschrei\w*\b`), "ein Zeichen, dass jemand Unterstützung braucht", "es klingt, als wäre der Schmerz nicht echt"},
	{regexp.MustCompile(`(?i)\b(?:will|wollte|sucht|suchte)\s+(?:nur\s+|doch\s+nur\s+)?aufmerksamkeit\b`), "ein Zeichen von Not, jemand meldet sich", "es tut einen Menschen ab, der um Hilfe bittet"},
	{regexp.MustCompile(`(?i)\b(?:suizid|selbstmord|selbstverletzungs)methoden?\b`), "Methoden ganz weglassen", "Einzelheiten zu Methoden gefährden Lesende"},
}

// StyleCheck returns the notes for a text, in the order found.
func StyleCheck(text string) []StyleNote {
	type at struct {
		pos, end int
		note     StyleNote
	}
	var found []at
	for _, r := range styleRules {
		for _, loc := range r.re.FindAllStringIndex(text, -1) {
			found = append(found, at{loc[0], loc[1], StyleNote{Found: strings.TrimSpace(text[loc[0]:loc[1]]), Suggest: r.suggest, Why: r.why}})
		}
	}
	// In the order found; of two notes on the same words, the longer
	// ("Selbstmord begangen", not "Selbstmord" too).
	sort.SliceStable(found, func(i, j int) bool {
		if found[i].pos != found[j].pos {
			return found[i].pos < found[j].pos
		}
		return found[i].end > found[j].end
	})
	var out []StyleNote
	end := -1
	for _, f := range found {
		if f.pos < end {
			continue
		}
		out = append(out, f.note)
		end = f.end
	}
	return out
}
