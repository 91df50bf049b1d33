package crisis

import (
	"regexp"
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
}

// StyleCheck returns the notes for a text, in the order found.
func StyleCheck(text string) []StyleNote {
	type at struct {
		pos  int
		note StyleNote
	}
	var found []at
	for _, r := range styleRules {
		for _, loc := range r.re.FindAllStringIndex(text, -1) {
			found = append(found, at{loc[0], StyleNote{Found: strings.TrimSpace(text[loc[0]:loc[1]]), Suggest: r.suggest, Why: r.why}})
		}
	}
	for i := 1; i < len(found); i++ {
		for j := i; j > 0 && found[j].pos < found[j-1].pos; j-- {
			found[j], found[j-1] = found[j-1], found[j]
		}
	}
	out := make([]StyleNote, len(found))
	for i, f := range found {
		out[i] = f.note
	}
	return out
}
