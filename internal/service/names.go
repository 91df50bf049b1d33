package service

import (
	"strings"
	"unicode"
)

// spoofing are the characters that turn the order of the text around them:
// the bidirectional embeddings, overrides and isolates. In a name they make
// "Anna<RLO>gpj.exe" show as "Annaexe.jpg", or a commenter's name pass for a
// moderator's. Joiners (U+200C, U+200D), which emoji and some scripts need,
// and the plain direction marks are not among them.
func spoofing(r rune) bool {
	return r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069'
}

// badNameChars reports whether a name holds control characters (it must
// be one line) or characters that turn text around.
func badNameChars(name string) bool {
	return strings.IndexFunc(name, func(r rune) bool { return unicode.IsControl(r) || spoofing(r) }) >= 0
}
