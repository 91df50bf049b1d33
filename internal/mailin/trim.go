package mailin

import (
	"regexp"
	"strings"
)

// replyHeader matches the line mail programs put above the text they
// quote: "On Tue, 3 Mar 2026, Ann <a@example.org> wrote:", and the French,
// German, Spanish and Dutch forms.
var replyHeader = regexp.MustCompile(`(?i)^\s*(on\b.{0,200}\bwrote|le\b.{0,200}\ba écrit|am\b.{0,200}\bschrieb|el\b.{0,200}\bescribió|op\b.{0,200}\bschreef)\s*:\s*$`)

// forwardedBlock matches the first line of the quoted copy Outlook and
// others append: "-----Original Message-----", or a "From:" header line
// that starts a block of them.
var forwardedBlock = regexp.MustCompile(`(?i)^\s*(-{2,}\s*(original message|forwarded message)\s*-{2,}|_{10,})\s*$`)

// deviceLine matches the one-line signatures phones and apps add.
var deviceLine = regexp.MustCompile(`(?i)^\s*(sent from my \S.*|sent from (outlook|mail|yahoo mail).*|get outlook for \S.*|sent with proton mail.*)$`)

// Trim keeps the words the person wrote: it cuts the text at a signature
// ("-- "), at the header of a quoted reply or forwarded copy, drops quoted
// lines ("> …") and the "Sent from my phone" lines, and trims blank lines.
// A text that would be left empty is kept whole: better the quote than
// nothing.
func Trim(text string) string {
	lines := strings.Split(normalizeNewlines(text), "\n")
	var kept []string
cut:
	for i, line := range lines {
		switch {
		case line == "-- " || line == "--":
			break cut
		case replyHeader.MatchString(line), forwardedBlock.MatchString(line):
			break cut
		case strings.HasPrefix(strings.ToLower(line), "from:") && i+1 < len(lines) && isHeaderLine(lines[i+1]) &&
			len(kept) > 0 && strings.TrimSpace(kept[len(kept)-1]) == "":
			// Outlook's quoted header block: From:, Sent:, To:, Subject:.
			break cut
		case strings.HasPrefix(strings.TrimLeft(line, " "), ">"):
			continue
		case deviceLine.MatchString(line):
			continue
		}
		kept = append(kept, strings.TrimRight(line, " \t"))
	}
	out := collapseBlank(kept)
	if out == "" {
		return collapseBlank(lines)
	}
	return out
}

func isHeaderLine(line string) bool {
	l := strings.ToLower(strings.TrimSpace(line))
	for _, h := range []string{"sent:", "date:", "to:", "cc:", "subject:"} {
		if strings.HasPrefix(l, h) {
			return true
		}
	}
	return false
}

// collapseBlank joins lines, with at most one blank line between
// paragraphs and none at either end.
func collapseBlank(lines []string) string {
	var b strings.Builder
	blank := false
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			blank = b.Len() > 0
			continue
		}
		if blank {
			b.WriteString("\n\n")
		} else if b.Len() > 0 {
			b.WriteString("\n")
		}
		blank = false
		b.WriteString(l)
	}
	return b.String()
}
