package wxr

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Sites like this one posted a reader's letter and the advisor's answer as
// one post, told apart by a heading ("Rose's reply:"), by a rule before
// "Dear …", or by a rule or a second-level heading alone. Split finds the
// first of these, in that order of trust; a post where none is found stays
// whole, as the reply, for the advisor to divide in the editor.

// replyMark is a heading that announces the answer: "Reply", "Our answer",
// "Rose's reply:", "The advisor’s response", "Answer from Rose", "Rose
// replies:".
var replyMark = regexp.MustCompile(`(?i)^(?:` +
	`(?:the\s+|our\s+|my\s+)?(?:[\p{L}][\p{L}.'’ -]{0,40}?(?:'s|’s|s'|s’)\s+)?(?:reply|answer|response|advice)(?:\s+(?:from|by)\s+[\p{L}][\p{L}.'’ -]{0,40})?` +
	`|[\p{L}][\p{L}.'’ -]{0,40}?\s+(?:replies|answers|responds|writes\s+back)` +
	`)\s*[:.!]?$`)

// replyPrefix is such a heading opening a paragraph, ended by a colon:
// "Reply: Dear Anna, …".
var replyPrefix = regexp.MustCompile(`(?i)^\s*((?:[\p{L}][\p{L}.'’ -]{0,40}?(?:'s|’s)\s+)?(?:reply|answer|response))\s*:\s*`)

// isReplyMark reports whether text, a heading or a paragraph's bold
// opening, announces the reply.
func isReplyMark(text string) bool {
	text = strings.Join(strings.Fields(text), " ")
	return text != "" && utf8.RuneCountInString(text) <= 80 && replyMark.MatchString(text)
}

// Split divides a post's HTML into the letter (plain text) and the reply
// (Markdown). ok is false when the post shows no division: then letter is
// empty and reply is the whole post.
func Split(content string) (letter, reply string, ok bool) {
	bs := blocks(content)
	at, skip := splitPoint(bs)
	if at < 0 {
		return "", joinMD(bs), false
	}
	before, after := bs[:at], bs[at+skip:]
	letter, reply = joinText(before), joinMD(after)
	if strings.TrimSpace(letter) == "" || strings.TrimSpace(reply) == "" {
		return "", joinMD(bs), false
	}
	return letter, reply, true
}

// splitPoint returns where the reply begins and how many blocks there
// mark it (and are left out of both parts); -1 when nothing does.
func splitPoint(bs []block) (at, skip int) {
	for i, b := range bs {
		if b.kind == marker && i > 0 {
			return i, 1
		}
	}
	firstRule := -1
	for i, b := range bs {
		if b.kind != rule || i == 0 || i == len(bs)-1 {
			continue
		}
		if strings.HasPrefix(strings.TrimSpace(bs[i+1].text), "Dear ") {
			return i, 1
		}
		if firstRule < 0 {
			firstRule = i
		}
	}
	if firstRule >= 0 {
		return firstRule, 1
	}
	for i, b := range bs {
		if b.kind == heading && b.level == 2 && i > 0 && i < len(bs)-1 {
			return i, 0 // the heading is the reply's own
		}
	}
	return -1, 0
}
