package redact

import (
	"bufio"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

type marked struct {
	kind       string
	start, end int
}

var markRe = regexp.MustCompile(`\[\[(\w+):([^\]]+)\]\]`)

// readLetters reads testdata/letters.txt: each line's text without the
// marks, and the marked spans.
func readLetters(t *testing.T, file string) (texts []string, marks [][]marked) {
	t.Helper()
	f, err := os.Open(file)
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
		var b strings.Builder
		var ms []marked
		last := 0
		for _, m := range markRe.FindAllStringSubmatchIndex(line, -1) {
			b.WriteString(line[last:m[0]])
			start := b.Len()
			b.WriteString(line[m[4]:m[5]])
			ms = append(ms, marked{line[m[2]:m[3]], start, b.Len()})
			last = m[1]
		}
		b.WriteString(line[last:])
		texts, marks = append(texts, b.String()), append(marks, ms)
	}
	return texts, marks
}

// Recall per kind on the labelled letters (a marked span counts as found
// when a finding overlaps it), with the targets: at least 0.98
// for e-mail addresses, phone numbers and links, 0.90 for names and places.
// Findings that overlap no mark are reported as false alarms.
func TestLabelledLetters(t *testing.T) {
	texts, marks := readLetters(t, "testdata/letters.txt")
	if len(texts) < 60 {
		t.Fatalf("only %d letters", len(texts))
	}
	measure(t, "written with the redactor", texts, marks, nil)
}

// The held-out letters (see heldout.txt) are the honest measure.
func TestHeldOutLetters(t *testing.T) {
	texts, marks := readLetters(t, "testdata/heldout.txt")
	measure(t, "held out", texts, marks, nil)
}

func measure(t *testing.T, set string, texts []string, marks [][]marked, floors map[string]float64) {
	total, hit := map[string]int{}, map[string]int{}
	falseAlarms := 0
	for i, text := range texts {
		fs := Find(text)
		for _, m := range marks[i] {
			total[m.kind]++
			found := false
			for _, f := range fs {
				found = found || (f.Start < m.end && m.start < f.End)
			}
			if found {
				hit[m.kind]++
			} else {
				t.Logf("missed %s %q in: %s", m.kind, text[m.start:m.end], text)
			}
		}
		for _, f := range fs {
			over := false
			for _, m := range marks[i] {
				over = over || (f.Start < m.end && m.start < f.End)
			}
			if !over {
				falseAlarms++
				t.Logf("false alarm %s %q in: %s", f.Kind, f.Text, text)
			}
		}
	}
	var kinds []string
	for k := range total {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var report []string
	for _, k := range kinds {
		r := float64(hit[k]) / float64(total[k])
		report = append(report, k+" "+strconv.Itoa(hit[k])+"/"+strconv.Itoa(total[k]))
		want := 0.0
		switch k {
		case Email, Phone, URL:
			want = 0.98
		case Name, Place:
			want = 0.90
		}
		if f, ok := floors[k]; ok {
			want = f
		}
		if r < want {
			t.Errorf("%s, %s: recall %.2f, want at least %.2f", set, k, r, want)
		}
	}
	t.Logf("%s: recall: %s; false alarms: %d", set, strings.Join(report, ", "), falseAlarms)
}

func TestApply(t *testing.T) {
	text := "I am Pia, write to pia@example.org or call 07700 900123."
	got := Apply(text, Find(text))
	if got != "I am [name], write to [e-mail address] or call [phone number]." {
		t.Errorf("%q", got)
	}
	// A finding whose text changed since is left alone.
	fs := Find(text)
	if got := Apply("Something else entirely, much longer than before.", fs); got != "Something else entirely, much longer than before." {
		t.Errorf("stale findings applied: %q", got)
	}
}

func TestNoFalseAlarmsOnPlainText(t *testing.T) {
	for _, text := range []string{
		"Reading other stories here made me feel less alone.",
		"I sleep badly and wake up tired. Some days I do not answer the phone at all.",
		"May I ask for advice? I have felt low for months.",
		"The rent is 900 pounds and I earn 1200 a month.",
	} {
		if fs := Find(text); len(fs) != 0 {
			t.Errorf("%q: %+v", text, fs)
		}
	}
}
