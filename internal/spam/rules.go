//lint:file-ignore ST1005 CheckRule's errors are sentences shown to the admin next to the field.

package spam

import (
	"net/netip"
	"regexp"
	"strings"
	"unicode"

	"github.com/confide/confide/internal/model"
)

// Rule kinds and actions, as admins enter them.
const (
	KindWord    = "word"    // a word or phrase, matched as whole words, any case
	KindPattern = "pattern" // a regular expression (RE2: linear time, no backtracking)
	KindEmail   = "email"   // an e-mail address, or "@domain" for a whole domain
	KindAddr    = "addr"    // one client address, kept as its keyed hash
	KindRange   = "range"   // an address range in CIDR form

	ActionHold   = "hold"   // the comment waits for a moderator
	ActionRefuse = "refuse" // the comment is not taken
)

// Rule is one entry of the admins' block list.
type Rule = model.BlockRule

// CheckRule says what is wrong with a rule an admin typed, in a sentence
// for the form, or returns the rule cleaned.
func CheckRule(r Rule) (Rule, error) {
	r.Value = strings.TrimSpace(r.Value)
	if r.Action != ActionHold && r.Action != ActionRefuse {
		return r, model.Errorf(model.EINVALID, "spam.rule_action")
	}
	if r.Value == "" {
		return r, model.Errorf(model.EINVALID, "spam.rule_empty")
	}
	if len(r.Value) > 200 {
		return r, model.Errorf(model.EINVALID, "spam.rule_long")
	}
	switch r.Kind {
	case KindWord:
		r.Value = strings.ToLower(r.Value)
	case KindPattern:
		if _, err := regexp.Compile("(?i)" + r.Value); err != nil {
			return r, model.Errorf(model.EINVALID, "spam.rule_pattern", "Detail", err.Error())
		}
	case KindEmail:
		r.Value = NormalizeEmail(r.Value)
		if !strings.Contains(r.Value, "@") {
			return r, model.Errorf(model.EINVALID, "spam.rule_email")
		}
	case KindRange:
		p, err := netip.ParsePrefix(r.Value)
		if err != nil {
			a, aerr := netip.ParseAddr(r.Value)
			if aerr != nil {
				return r, model.Errorf(model.EINVALID, "spam.rule_range")
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		r.Value = p.Masked().String()
	case KindAddr:
	default:
		return r, model.Errorf(model.EINVALID, "spam.rule_kind", "Kind", r.Kind)
	}
	return r, nil
}

// Subject is what the block rules look at.
type Subject struct {
	Text     string // the comment's name and body
	Email    string
	Addr     netip.Addr
	AddrHash string
}

// Match returns the first rule that matches, the refusing ones first, and
// whether one did.
func Match(rules []Rule, s Subject) (Rule, bool) {
	var hold *Rule
	lower := strings.ToLower(s.Text)
	email := NormalizeEmail(s.Email)
	for i := range rules {
		r := rules[i]
		if !matches(r, s, lower, email) {
			continue
		}
		if r.Action == ActionRefuse {
			return r, true
		}
		if hold == nil {
			hold = &rules[i]
		}
	}
	if hold != nil {
		return *hold, true
	}
	return Rule{}, false
}

func matches(r Rule, s Subject, lower, email string) bool {
	switch r.Kind {
	case KindWord:
		return containsWord(lower, r.Value)
	case KindPattern:
		re, err := regexp.Compile("(?i)" + r.Value)
		return err == nil && re.MatchString(s.Text)
	case KindEmail:
		if strings.HasPrefix(r.Value, "@") {
			return email != "" && strings.HasSuffix(email, r.Value)
		}
		return email == r.Value
	case KindAddr:
		return s.AddrHash != "" && s.AddrHash == r.Value
	case KindRange:
		p, err := netip.ParsePrefix(r.Value)
		return err == nil && s.Addr.IsValid() && p.Contains(s.Addr.Unmap())
	}
	return false
}

// containsWord reports whether phrase occurs in text as whole words, so
// that a block on "sex" does not hold "Essex" or "sextant".
func containsWord(text, phrase string) bool {
	for from := 0; ; {
		i := strings.Index(text[from:], phrase)
		if i < 0 {
			return false
		}
		start, end := from+i, from+i+len(phrase)
		if boundary(text, start-1) && boundary(text, end) {
			return true
		}
		from = start + 1
	}
}

func boundary(text string, i int) bool {
	if i < 0 || i >= len(text) {
		return true
	}
	r := rune(text[i])
	if r >= 0x80 { // inside a multi-byte letter
		return false
	}
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}
