package service

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/dchest/captcha"

	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/spam"
)

// The anti-spam layers are shared by every form a visitor posts (comments,
// and letters once they come through the site). Each is switched on or off
// by an admin; all run here, with no outside service.

// AntiSpam is the admins' choice of layers and the moderation policy.
type AntiSpam struct {
	Captcha  bool // an image CAPTCHA with an audio alternative
	Trap     bool // a hidden honeypot field and a signed form key with its age
	Limits   bool // posts per client address and per e-mail
	Links    bool // hold comments with more than MaxLinks links
	Rules    bool // the block list: words, patterns, e-mails, addresses
	Score    bool // the score learnt from moderators' decisions
	MaxLinks int
	Policy   string // PolicyHoldAll, PolicyHoldFirst or PolicyPublish
}

// Moderation policies.
const (
	PolicyHoldAll   = "all"     // every comment waits for a moderator
	PolicyHoldFirst = "first"   // a commenter's first comment waits
	PolicyPublish   = "publish" // published unless a layer objects
)

// Setting keys of the anti-spam layers.
const (
	settingCaptcha  = "spam_captcha"
	settingTrap     = "spam_trap"
	settingLimits   = "spam_limits"
	settingLinks    = "spam_links"
	settingRules    = "spam_rules"
	settingScore    = "spam_score"
	settingMaxLinks = "spam_max_links"
	settingPolicy   = "comments_policy"
)

// Anti-spam constants.
const (
	CaptchaLength = 6                // digits
	CaptchaTTL    = 10 * time.Minute // an answer is good this long
	FormMinAge    = 2 * time.Second  // a person takes longer than this to write
	FormMaxAge    = 24 * time.Hour   // a form older than this is refused
)

// Rate limits: per client address and per e-mail address, counted by every
// instance in the database.
var rateLimits = []struct {
	Window time.Duration
	Max    int64
}{
	{time.Minute, 5},
	{time.Hour, 30},
}

// AntiSpamSettings returns the layers and the policy as the admins set them.
func (s *Service) AntiSpamSettings(ctx context.Context) (AntiSpam, error) {
	m, err := s.store.Settings(ctx)
	if err != nil {
		return AntiSpam{}, err
	}
	on := func(key string) bool { return m[key] != "off" }
	a := AntiSpam{Captcha: on(settingCaptcha), Trap: on(settingTrap), Limits: on(settingLimits),
		Links: on(settingLinks), Rules: on(settingRules), Score: on(settingScore), MaxLinks: 2, Policy: PolicyHoldFirst}
	if n, err := strconv.Atoi(m[settingMaxLinks]); err == nil && n >= 0 {
		a.MaxLinks = n
	}
	switch m[settingPolicy] {
	case PolicyHoldAll, PolicyPublish:
		a.Policy = m[settingPolicy]
	}
	return a, nil
}

// SetAntiSpam stores the admins' choice of layers and policy.
func (s *Service) SetAntiSpam(ctx context.Context, actor int64, a AntiSpam) error {
	if a.Policy != PolicyHoldAll && a.Policy != PolicyHoldFirst && a.Policy != PolicyPublish {
		return &model.Error{Code: model.EINVALID, Message: "antispam.choose_moderation_policy",
			Fields: map[string]model.Msg{"policy": model.M("antispam.choose_one")}}
	}
	if a.MaxLinks < 0 || a.MaxLinks > 50 {
		return &model.Error{Code: model.EINVALID, Message: "antispam.number_links_must_between",
			Fields: map[string]model.Msg{"max_links": model.M("antispam.between_0_50")}}
	}
	onOff := func(b bool) string {
		if b {
			return "on"
		}
		return "off"
	}
	return s.store.InTx(ctx, func(ctx context.Context) error {
		old, err := s.store.Settings(ctx)
		if err != nil {
			return err
		}
		for k, v := range map[string]string{settingCaptcha: onOff(a.Captcha), settingTrap: onOff(a.Trap),
			settingLimits: onOff(a.Limits), settingLinks: onOff(a.Links), settingRules: onOff(a.Rules),
			settingScore: onOff(a.Score), settingMaxLinks: strconv.Itoa(a.MaxLinks), settingPolicy: a.Policy} {
			// A setting written changes every page (the forms show the
			// layers); one that stays as it was changes none.
			if cur, ok := old[k]; ok && cur == v {
				continue
			}
			if err := s.store.SetSetting(ctx, k, v); err != nil {
				return err
			}
		}
		return s.audit(ctx, actor, "antispam.update", fmt.Sprintf("captcha=%s trap=%s limits=%s links=%s(%d) rules=%s score=%s policy=%s",
			onOff(a.Captcha), onOff(a.Trap), onOff(a.Limits), onOff(a.Links), a.MaxLinks, onOff(a.Rules), onOff(a.Score), a.Policy))
	})
}

// Challenge is the per-visitor part of a form: a CAPTCHA (when that layer
// is on) and the signed key that says when it was issued.
type Challenge struct {
	ID  string // the CAPTCHA's id; empty when the CAPTCHA is off
	Key string
}

var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewChallenge issues a form key, with a CAPTCHA when that layer is on.
func (s *Service) NewChallenge(ctx context.Context) (Challenge, error) {
	if len(s.opts.Secret) == 0 {
		return Challenge{}, errNoSecret
	}
	a, err := s.AntiSpamSettings(ctx)
	if err != nil {
		return Challenge{}, err
	}
	b := make([]byte, 10)
	rand.Read(b)
	id := strings.ToLower(idEncoding.EncodeToString(b))
	now := s.Now()
	c := Challenge{Key: spam.SignKey(s.opts.Secret, id, now)}
	if a.Captcha {
		digits := captcha.RandomDigits(CaptchaLength)
		if err := s.store.SaveCaptcha(ctx, id, digitString(digits), now.Add(CaptchaTTL)); err != nil {
			return Challenge{}, err
		}
		c.ID = id
	}
	return c, nil
}

// ChallengeDigits returns a CAPTCHA's digits (0–9 each) to draw or say, or
// not-found once it was used or expired.
func (s *Service) ChallengeDigits(ctx context.Context, id string) ([]byte, error) {
	d, ok, err := s.store.CaptchaDigits(ctx, id, s.Now())
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, model.ErrNotFound
	}
	out := make([]byte, len(d))
	for i := range d {
		out[i] = d[i] - '0'
	}
	return out, nil
}

// ChallengeID returns the CAPTCHA id a signed form key carries, if the key
// is good.
func (s *Service) ChallengeID(key string) (string, bool) {
	id, _, err := spam.OpenKey(s.opts.Secret, key)
	return id, err == nil
}

func digitString(d []byte) string {
	b := make([]byte, len(d))
	for i, x := range d {
		b[i] = '0' + x
	}
	return string(b)
}

var errNoSecret = &model.Error{Code: model.EINTERNAL, Message: "antispam.posting_not_set_up",
	Err: fmt.Errorf("service: no secret key (see --secret-key-file)")}

// Refusals. They say what a person can do about it, and nothing a bot
// could learn from.
var (
	errRefused = model.Errorf(model.EFORBIDDEN, "antispam.could_not_accept_if")
	errTooFast = &model.Error{Code: model.EINVALID, Message: "antispam.was_quick_check_what",
		Fields: map[string]model.Msg{"check": model.M("antispam.send_form_again")}}
	errExpired = &model.Error{Code: model.EINVALID, Message: "antispam.form_was_open_long",
		Fields: map[string]model.Msg{"check": model.M("antispam.send_form_again")}}
	errNoKey = &model.Error{Code: model.EINVALID, Message: "antispam.answer_check_below_send",
		Fields: map[string]model.Msg{"check": model.M("antispam.type_numbers_see_hear")}}
	errWrongAnswer = &model.Error{Code: model.EINVALID, Message: "antispam.numbers_did_not_match",
		Fields: map[string]model.Msg{"check": model.M("antispam.numbers_did_not_match_2")}}
	errTooMany = model.Errorf(model.ELIMIT, "antispam.have_sent_lot_short")
)

// Visitor is what the anti-spam layers know of who posts.
type Visitor struct {
	Addr   netip.Addr // the client address, as --trusted-proxies gives it
	Trap   string     // the honeypot field: people leave it empty
	Key    string     // the signed form key
	Answer string     // the CAPTCHA answer
}

// checkVisitor runs the layers that look at the poster rather than the
// text: honeypot and form age, CAPTCHA, rate limits. purpose names the
// limit ("comment", "letter").
func (s *Service) checkVisitor(ctx context.Context, a AntiSpam, v Visitor, email, purpose string) error {
	if len(s.opts.Secret) == 0 {
		return errNoSecret
	}
	now := s.Now()
	var id string
	if a.Trap || a.Captcha {
		if a.Trap && strings.TrimSpace(v.Trap) != "" {
			return errRefused
		}
		var issued time.Time
		var err error
		id, issued, err = spam.OpenKey(s.opts.Secret, v.Key)
		if err != nil {
			return errNoKey
		}
		if a.Trap {
			tooFast, tooOld := spam.KeyAge(issued, now, FormMinAge, FormMaxAge)
			if tooFast {
				return errTooFast
			}
			if tooOld {
				return errExpired
			}
		}
	}
	if a.Captcha {
		answer := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, v.Answer)
		if answer == "" {
			return errNoKey
		}
		digits, ok, err := s.store.TakeCaptcha(ctx, id, now)
		if err != nil {
			return err
		}
		if !ok || digits != answer {
			return errWrongAnswer
		}
	}
	if a.Limits {
		keys := []string{purpose + ":addr:" + spam.HashAddr(s.opts.Secret, v.Addr)}
		if email != "" {
			keys = append(keys, purpose+":email:"+spam.HashEmail(s.opts.Secret, email))
		}
		for _, key := range keys {
			for _, l := range rateLimits {
				n, err := s.store.Hit(ctx, key+":"+l.Window.String(), now.Truncate(l.Window))
				if err != nil {
					return err
				}
				if n > l.Max {
					return errTooMany
				}
			}
		}
	}
	return nil
}

// verdict is what the layers that read the text decided.
type verdict struct {
	refuse bool
	hold   []string // the reasons, for moderators
	score  float64
}

// checkText runs the layers that read what was written: the block list,
// links and the learnt score.
func (s *Service) checkText(ctx context.Context, a AntiSpam, name, body, email string, addr netip.Addr) (verdict, error) {
	v := verdict{score: 0.5}
	if a.Rules {
		rules, err := s.store.BlockRules(ctx)
		if err != nil {
			return v, err
		}
		subj := spam.Subject{Text: name + "\n" + body, Email: email, Addr: addr, AddrHash: spam.HashAddr(s.opts.Secret, addr)}
		if r, ok := spam.Match(rules, subj); ok {
			if r.Action == spam.ActionRefuse {
				v.refuse = true
				return v, nil
			}
			v.hold = append(v.hold, s.lang(ctx).Text("held.rule", "Kind", s.lang(ctx).Text("rulekind."+r.Kind), "Value", shown(r)))
		}
	}
	if a.Links {
		if n := spam.CountLinks(body); n > a.MaxLinks {
			v.hold = append(v.hold, s.lang(ctx).Text("held.links", "Count", n, "Max", a.MaxLinks))
		}
	}
	if a.Score {
		score, trained, err := s.score(ctx, name, body)
		if err != nil {
			return v, err
		}
		v.score = score
		if trained && score >= spam.HoldAbove {
			v.hold = append(v.hold, s.lang(ctx).Text("held.score", "Score", fmt.Sprintf("%.2f", score)))
		}
	}
	return v, nil
}

// shown is how a rule appears in a held comment's reason: an address rule
// is a hash, which says nothing to a moderator.
func shown(r model.BlockRule) string {
	if r.Kind == spam.KindAddr {
		return "banned address"
	}
	return r.Value
}

// score is the learnt chance that a text is spam.
func (s *Service) score(ctx context.Context, name, body string) (float64, bool, error) {
	tokens := spam.Tokens(name, body)
	raw, nSpam, nHam, err := s.store.TokenCounts(ctx, tokens)
	if err != nil {
		return 0.5, false, err
	}
	counts := make(map[string]spam.Counts, len(raw))
	for t, c := range raw {
		counts[t] = spam.Counts{Spam: c[0], Ham: c[1]}
	}
	score, trained := spam.Score(tokens, counts, nSpam, nHam)
	return score, trained, nil
}

// noAddr stands for "no client address known" (an edit through a private
// link is checked by its text alone).
var noAddr netip.Addr

// equalHash compares two stored hashes in constant time.
func equalHash(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
