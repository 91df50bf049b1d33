package password

import (
	"strings"
	"testing"
)

func TestHashAndVerify(t *testing.T) {
	h, err := Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q is not argon2id with OWASP parameters", h)
	}
	h2, _ := Hash("correct horse battery")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: no salt?")
	}
	for pw, want := range map[string]bool{"correct horse battery": true, "correct horse batter": false, "": false} {
		ok, err := Verify(h, pw)
		if err != nil || ok != want {
			t.Errorf("Verify(%q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$c2FsdA$a2V5", "$argon2id$v=19$m=x$c2FsdA$a2V5",
		"$argon2id$v=19$m=1,t=1,p=1$!!$a2V5"} {
		if _, err := Verify(bad, "x"); err == nil {
			t.Errorf("Verify(%q) accepted a malformed hash", bad)
		}
	}
}

func TestCheck(t *testing.T) {
	for pw, wantOK := range map[string]bool{
		"short":                  false,
		"Password123":            false, // common, case folded
		"qwertyuiop":             false,
		"aaaaaaaaaaaa":           false,
		strings.Repeat("x", 300): false,
		"tea in the garden at 5": true,
		"ünïcödé-wörds":          true,
	} {
		if msg := Check(pw); (msg == "") != wantOK {
			t.Errorf("Check(%q) = %q", pw, msg)
		}
	}
}

func TestGenerate(t *testing.T) {
	a, err := Generate()
	if err != nil || len(a) != 20 || Check(a) != "" {
		t.Fatalf("Generate = %q, %v", a, err)
	}
	if b, _ := Generate(); a == b {
		t.Fatal("two generated passwords are equal")
	}
}
