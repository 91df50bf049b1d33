package spam

import (
	"regexp"
	"strings"
)

// linkPattern finds what a reader's browser or a search engine would take
// for a link: URLs with a scheme, "www." addresses and bare domains with a
// path, which spammers write to slip past a check for "http".
var linkPattern = regexp.MustCompile(`(?i)\b(?:https?://|www\.)[^\s<>"]+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|info|biz|ru|cn|xyz|top|online|site|shop|io|co|me|us|uk|de)/[^\s<>"]*`)

// CountLinks returns how many links text holds.
func CountLinks(text string) int {
	return len(linkPattern.FindAllStringIndex(text, -1))
}

// LinkHosts returns the host of each link in text, lower-case, for the
// score: a spammer's domain is the best token there is.
func LinkHosts(text string) []string {
	var out []string
	for _, l := range linkPattern.FindAllString(text, -1) {
		l = strings.ToLower(l)
		l = strings.TrimPrefix(strings.TrimPrefix(l, "http://"), "https://")
		l = strings.TrimPrefix(l, "www.")
		if i := strings.IndexAny(l, "/?#:"); i >= 0 {
			l = l[:i]
		}
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}
