package spam

import (
	"bufio"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"
)

var secret = []byte("0123456789abcdef0123456789abcdef")

func TestFormKey(t *testing.T) {
	at := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	key := SignKey(secret, "abc123", at)
	id, issued, err := OpenKey(secret, key)
	if err != nil || id != "abc123" || !issued.Equal(at) {
		t.Fatalf("OpenKey(%q) = %q, %v, %v", key, id, issued, err)
	}
	bad := []string{
		"", "abc", key + "x", strings.Replace(key, "abc123", "abc124", 1),
		SignKey([]byte("another secret of thirty-two b!!"), "abc123", at),
		// The issue time moved back to fake a slow visitor.
		"abc123." + "0" + key[strings.Index(key, ".")+1:],
	}
	for _, k := range bad {
		if _, _, err := OpenKey(secret, k); err == nil {
			t.Errorf("OpenKey(%q) accepted a bad key", k)
		}
	}
	cases := []struct {
		after           time.Duration
		tooFast, tooOld bool
	}{
		{time.Second, true, false},
		{3 * time.Second, false, false},
		{23 * time.Hour, false, false},
		{25 * time.Hour, false, true},
	}
	for _, c := range cases {
		fast, old := KeyAge(at, at.Add(c.after), 2*time.Second, 24*time.Hour)
		if fast != c.tooFast || old != c.tooOld {
			t.Errorf("KeyAge after %v = %v, %v; want %v, %v", c.after, fast, old, c.tooFast, c.tooOld)
		}
	}
}

func TestHashes(t *testing.T) {
	a := netip.MustParseAddr("203.0.113.7")
	mapped := netip.MustParseAddr("::ffff:203.0.113.7")
	if HashAddr(secret, a) != HashAddr(secret, mapped) {
		t.Error("an IPv4 address and its mapped form hash differently")
	}
	if HashAddr(secret, a) == HashAddr([]byte("other"), a) {
		t.Error("the hash does not depend on the secret")
	}
	if h := HashAddr(secret, a); strings.Contains(h, "203") || len(h) < 20 {
		t.Errorf("HashAddr = %q", h)
	}
	if HashEmail(secret, " Anna@Example.COM ") != HashEmail(secret, "anna@example.com") {
		t.Error("e-mail hash depends on case")
	}
}

func TestCountLinks(t *testing.T) {
	cases := []struct {
		text string
		want int
	}{
		{"No links here, just kind words.", 0},
		{"See https://example.com/help for more.", 1},
		{"www.example.org and http://a.example.net/x", 2},
		{"cheap-pills.com/buy now", 1},
		{"I went to the U.S. last year.", 0},
		{"e.g. this, i.e. that", 0},
	}
	for _, c := range cases {
		if got := CountLinks(c.text); got != c.want {
			t.Errorf("CountLinks(%q) = %d, want %d", c.text, got, c.want)
		}
	}
	if got := LinkHosts("Go to https://WWW.Spam.Example.com:8080/x?y"); len(got) != 1 || got[0] != "spam.example.com" {
		t.Errorf("LinkHosts = %v", got)
	}
}

func TestRules(t *testing.T) {
	addr := netip.MustParseAddr("198.51.100.20")
	rules := []Rule{
		{Kind: KindWord, Value: "casino", Action: ActionHold},
		{Kind: KindWord, Value: "buy pills", Action: ActionRefuse},
		{Kind: KindPattern, Value: `\bv[i1]agra\b`, Action: ActionRefuse},
		{Kind: KindEmail, Value: "@spam.example", Action: ActionRefuse},
		{Kind: KindEmail, Value: "bad@example.com", Action: ActionHold},
		{Kind: KindRange, Value: "198.51.100.0/24", Action: ActionHold},
		{Kind: KindAddr, Value: HashAddr(secret, netip.MustParseAddr("192.0.2.9")), Action: ActionRefuse},
	}
	cases := []struct {
		name    string
		s       Subject
		matched bool
		action  string
	}{
		{"ordinary", Subject{Text: "You are not alone", Email: "a@example.com"}, false, ""},
		{"word", Subject{Text: "Best CASINO online"}, true, ActionHold},
		{"word inside another", Subject{Text: "casinos and occasional"}, false, ""},
		{"phrase", Subject{Text: "Where to buy  pills? buy pills here"}, true, ActionRefuse},
		{"pattern", Subject{Text: "cheap V1AGRA"}, true, ActionRefuse},
		{"refuse beats hold", Subject{Text: "casino viagra"}, true, ActionRefuse},
		{"domain", Subject{Text: "hi", Email: "Someone@Spam.Example"}, true, ActionRefuse},
		{"other domain", Subject{Text: "hi", Email: "someone@notspam.example"}, false, ""},
		{"address", Subject{Text: "hi", Email: "bad@example.com"}, true, ActionHold},
		{"range", Subject{Text: "hi", Addr: addr}, true, ActionHold},
		{"outside range", Subject{Text: "hi", Addr: netip.MustParseAddr("198.51.101.20")}, false, ""},
		{"banned address", Subject{Text: "hi", AddrHash: HashAddr(secret, netip.MustParseAddr("192.0.2.9"))}, true, ActionRefuse},
	}
	for _, c := range cases {
		r, ok := Match(rules, c.s)
		if ok != c.matched || r.Action != c.action {
			t.Errorf("%s: Match = %+v, %v; want matched %v action %q", c.name, r, ok, c.matched, c.action)
		}
	}
}

func TestCheckRule(t *testing.T) {
	cases := []struct {
		in      Rule
		ok      bool
		cleaned string
	}{
		{Rule{Kind: KindWord, Value: " Casino ", Action: ActionHold}, true, "casino"},
		{Rule{Kind: KindPattern, Value: `(unclosed`, Action: ActionHold}, false, ""},
		{Rule{Kind: KindEmail, Value: "example.com", Action: ActionHold}, false, ""},
		{Rule{Kind: KindRange, Value: "203.0.113.9/24", Action: ActionRefuse}, true, "203.0.113.0/24"},
		{Rule{Kind: KindRange, Value: "2001:db8::1", Action: ActionRefuse}, true, "2001:db8::1/128"},
		{Rule{Kind: KindRange, Value: "not an address", Action: ActionRefuse}, false, ""},
		{Rule{Kind: KindWord, Value: "x", Action: "delete"}, false, ""},
		{Rule{Kind: KindWord, Value: "  ", Action: ActionHold}, false, ""},
	}
	for _, c := range cases {
		got, err := CheckRule(c.in)
		if (err == nil) != c.ok || (c.ok && got.Value != c.cleaned) {
			t.Errorf("CheckRule(%+v) = %+v, %v", c.in, got, err)
		}
	}
}

// labelled reads one of the labelled sets in testdata.
func labelled(t *testing.T, file string) (spam, ham [][2]string) {
	t.Helper()
	f, err := os.Open("testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, "\t", 3)
		if len(parts) != 3 {
			t.Fatalf("bad line %q", line)
		}
		if parts[0] == "spam" {
			spam = append(spam, [2]string{parts[1], parts[2]})
		} else {
			ham = append(ham, [2]string{parts[1], parts[2]})
		}
	}
	return spam, ham
}

func TestScoreLearns(t *testing.T) {
	counts := map[string]Counts{}
	var nSpam, nHam int64
	if _, trained := Score(Tokens("x", "buy pills"), counts, 0, 0); trained {
		t.Fatal("an empty filter says it is trained")
	}
	spam, ham := labelled(t, "train.txt")
	for _, c := range spam {
		for _, tok := range Tokens(c[0], c[1]) {
			n := counts[tok]
			n.Spam++
			counts[tok] = n
		}
		nSpam++
	}
	for _, c := range ham {
		for _, tok := range Tokens(c[0], c[1]) {
			n := counts[tok]
			n.Ham++
			counts[tok] = n
		}
		nHam++
	}
	unseenSpam, unseenHam := labelled(t, "unseen.txt")
	for _, c := range unseenSpam {
		if s, ok := Score(Tokens(c[0], c[1]), counts, nSpam, nHam); !ok || s < HoldAbove {
			t.Errorf("unseen spam %q scored %.3f (trained %v), want ≥ %.2f", c[1], s, ok, HoldAbove)
		}
	}
	for _, c := range unseenHam {
		if s, _ := Score(Tokens(c[0], c[1]), counts, nSpam, nHam); s >= HoldAbove {
			t.Errorf("supportive comment %q scored %.3f, would be held", c[1], s)
		}
	}
}
