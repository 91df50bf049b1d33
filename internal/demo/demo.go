// Package demo holds the demo site's content (written for this project) and
// turns it into a service.Seed. The content lives in text files under
// content/ so that it reads and edits like letters, not like code.
package demo

import (
	"bufio"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
)

//go:embed content
var content embed.FS

// Advisor is the demo site's advisor, and AdvisorEmail her login.
const (
	Advisor      = "Rose"
	AdvisorEmail = "demo@confide.local"
)

// Content returns the demo site, with dates counted back from now so that the
// site always looks alive ("3 days ago", "2 years ago").
func Content(now time.Time) (service.Seed, error) {
	seed := service.Seed{
		Settings: map[string]string{
			model.SettingSiteName:     "Confide demo",
			model.SettingTagline:      "You are not alone",
			model.SettingAdvisorName:  Advisor,
			model.SettingSignature:    "With warmth, " + Advisor,
			model.SettingContactEmail: "letters@confide.local",
			model.SettingFooter:       "This is a demo of Confide. The letters are invented. If you are in danger right now, call your local emergency number.",
		},
	}
	secs, err := fs.ReadFile(content, "content/sections.txt")
	if err != nil {
		return seed, fmt.Errorf("demo: %w", err)
	}
	for i, line := range strings.Split(strings.TrimSpace(string(secs)), "\n") {
		parts := strings.SplitN(line, "|", 3)
		if len(parts) != 3 {
			return seed, fmt.Errorf("demo: sections.txt line %d: want slug | name | description", i+1)
		}
		seed.Sections = append(seed.Sections, model.Section{Slug: strings.TrimSpace(parts[0]),
			Name: strings.TrimSpace(parts[1]), Description: strings.TrimSpace(parts[2]), Position: i + 1,
			CreatedAt: now.AddDate(-4, 0, 0)})
	}
	names, err := fs.Glob(content, "content/stories/*.txt")
	if err != nil {
		return seed, err
	}
	seed.Letters = []model.Letter{{
		Title: "I feel like a stranger in my own family",
		Body: "Since I moved back in with my parents after losing my job, I feel like a guest who has stayed too long. " +
			"My father does not ask how the applications are going any more, and my mother tidies around me. " +
			"Nobody is unkind, but every evening I go to my room early so that I am not in the way. " +
			"I am thirty-four. I used to be the one they were proud of. How do I talk to them without it turning into a row?",
		WriterName: "Jon", Consent: model.ConsentPublish, CreatedAt: now.Add(-30 * time.Hour), UpdatedAt: now.Add(-30 * time.Hour),
	}}
	sort.Strings(names)
	for _, name := range names {
		raw, err := fs.ReadFile(content, name)
		if err != nil {
			return seed, err
		}
		st, err := parseStory(string(raw), now)
		if err != nil {
			return seed, fmt.Errorf("demo: %s: %w", path.Base(name), err)
		}
		seed.Stories = append(seed.Stories, st)
	}
	return seed, nil
}

// parseStory reads one story file: header lines ("Title: …"), a blank line,
// the letter, then "=== reply ===" and the Markdown reply, then optionally
// "=== comments ===" and comments, each starting with "-- Name @ AGE" (AGE
// after the story: 5h, 3d) and optionally "pending".
func parseStory(raw string, now time.Time) (service.SeedStory, error) {
	var ss service.SeedStory
	head, rest, ok := strings.Cut(raw, "\n\n")
	if !ok {
		return ss, fmt.Errorf("no blank line after the header")
	}
	daysAgo := 0
	sc := bufio.NewScanner(strings.NewReader(head))
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			return ss, fmt.Errorf("header line %q: want Key: value", sc.Text())
		}
		val = strings.TrimSpace(val)
		switch key {
		case "Title":
			ss.Story.Title = val
		case "Section":
			ss.SectionSlug = val
		case "Author":
			ss.Story.AuthorName = val
		case "Days-Ago":
			n, err := strconv.Atoi(val)
			if err != nil {
				return ss, fmt.Errorf("Days-Ago %q: %w", val, err)
			}
			daysAgo = n
		default:
			return ss, fmt.Errorf("unknown header %q", key)
		}
	}
	letter, rest, ok := strings.Cut(rest, "\n=== reply ===\n")
	if !ok {
		return ss, fmt.Errorf("no '=== reply ===' line")
	}
	reply, comments, _ := strings.Cut(rest, "\n=== comments ===\n")
	published := now.Add(-time.Duration(daysAgo)*24*time.Hour - 3*time.Hour)
	ss.Story.Letter = strings.TrimSpace(letter)
	ss.Story.Reply = strings.TrimSpace(reply)
	ss.Story.AdvisorName = Advisor
	ss.Story.Signature = "With warmth, " + Advisor
	ss.Story.Status = model.StoryPublished
	ss.Story.CreatedAt = published.Add(-72 * time.Hour)
	ss.Story.UpdatedAt = published
	ss.Story.PublishedAt = published
	for _, block := range strings.Split("\n"+comments, "\n-- ")[1:] {
		line, body, _ := strings.Cut(block, "\n")
		who, age, ok := strings.Cut(line, " @ ")
		if !ok {
			return ss, fmt.Errorf("comment line %q: want '-- Name @ AGE'", line)
		}
		fields := strings.Fields(age)
		after, err := parseAge(fields[0])
		if err != nil {
			return ss, err
		}
		c := model.Comment{AuthorName: strings.TrimSpace(who), Body: strings.TrimSpace(body),
			Status: model.CommentApproved, CreatedAt: published.Add(after)}
		if c.CreatedAt.After(now) {
			c.CreatedAt = now.Add(-time.Hour)
		}
		if len(fields) > 1 && fields[1] == "pending" {
			c.Status = model.CommentPending
		}
		ss.Comments = append(ss.Comments, c)
	}
	return ss, nil
}

func parseAge(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		v, err := strconv.Atoi(n)
		return time.Duration(v) * 24 * time.Hour, err
	}
	if n, ok := strings.CutSuffix(s, "h"); ok {
		v, err := strconv.Atoi(n)
		return time.Duration(v) * time.Hour, err
	}
	return 0, fmt.Errorf("age %q: want a number of hours (5h) or days (3d)", s)
}
