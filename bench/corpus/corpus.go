// Package corpus generates a large, deterministic site for benchmarks: N
// stories with ~600-word letters and ~800-word replies drawn from a Zipf
// distribution over an English vocabulary, and 0–40 comments each. The same
// seed always gives the same site, so figures from different runs compare.
package corpus

import (
	"context"
	"fmt"
	"math/rand"
	"strings"
	"time"

	"github.com/confide/confide/internal/model"
)

// Sections of the generated site.
var Sections = []model.Section{
	{Slug: "relationships", Name: "Relationships", Position: 1},
	{Slug: "depression-and-loneliness", Name: "Depression and loneliness", Position: 2},
	{Slug: "family", Name: "Family", Position: 3},
	{Slug: "work-and-money", Name: "Work and money", Position: 4},
	{Slug: "grief-and-loss", Name: "Grief and loss", Position: 5},
}

// Generator makes stories and comments from one seed.
type Generator struct {
	r    *rand.Rand
	zipf *rand.Zipf
	Now  time.Time
}

// New returns a generator for seed; now is the newest date in the corpus.
func New(seed int64, now time.Time) *Generator {
	r := rand.New(rand.NewSource(seed))                                                               // #nosec G404 -- a benchmark tool: deterministic data, its own files
	return &Generator{r: r, zipf: rand.NewZipf(r, 1.1, 2, uint64(len(vocabulary)-1)), Now: now.UTC()} // #nosec G115 -- a benchmark tool: deterministic data, its own files
}

func (g *Generator) word() string { return vocabulary[g.zipf.Uint64()] }

func (g *Generator) sentence() string {
	n := 6 + g.r.Intn(16)
	words := make([]string, n)
	for i := range words {
		words[i] = g.word()
	}
	s := strings.Join(words, " ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// Text returns about n words in paragraphs of four to seven sentences.
func (g *Generator) Text(n int) string {
	var paras []string
	count := 0
	for count < n {
		var sents []string
		for k := 4 + g.r.Intn(4); k > 0 && count < n; k-- {
			s := g.sentence()
			count += strings.Count(s, " ") + 1
			sents = append(sents, s)
		}
		paras = append(paras, strings.Join(sents, " "))
	}
	return strings.Join(paras, "\n\n")
}

// Title returns a story title of four to nine words.
func (g *Generator) Title() string {
	n := 4 + g.r.Intn(6)
	words := make([]string, n)
	for i := range words {
		words[i] = g.word()
	}
	t := strings.Join(words, " ")
	return strings.ToUpper(t[:1]) + t[1:]
}

// Story returns story number i (0 is the oldest), spread over the years
// before Now, and its comments. SectionSlug names its section.
func (g *Generator) Story(i, total int) (st model.Story, sectionSlug string, comments []model.Comment) {
	span := 8 * 365 * 24 * time.Hour
	published := g.Now.Add(-span + time.Duration(float64(span)*float64(i+1)/float64(total+1)))
	sectionSlug = Sections[g.r.Intn(len(Sections))].Slug
	st = model.Story{
		Title:       g.Title(),
		AuthorName:  names[g.r.Intn(len(names))],
		Letter:      g.Text(520 + g.r.Intn(160)),
		Reply:       g.Text(700 + g.r.Intn(200)),
		AdvisorName: "Rose",
		Signature:   "With warmth, Rose",
		Status:      model.StoryPublished,
		PublishedAt: published,
		CreatedAt:   published.Add(-48 * time.Hour),
		UpdatedAt:   published,
	}
	n := g.r.Intn(41)
	for c := 0; c < n; c++ {
		at := published.Add(time.Duration(c+1) * time.Duration(1+g.r.Intn(48)) * time.Hour)
		if at.After(g.Now) {
			at = g.Now.Add(-time.Duration(n-c) * time.Minute)
		}
		comments = append(comments, model.Comment{
			AuthorName: names[g.r.Intn(len(names))],
			Body:       g.Text(10 + g.r.Intn(70)),
			Status:     model.CommentApproved,
			CreatedAt:  at,
		})
	}
	return st, sectionSlug, comments
}

// names are given names for writers and commenters, chosen for the corpus.
var names = strings.Fields(`Anna Ben Chloe Daniel Ella Farid Grace Hugo Ines Jonas Kemal Lena Maria Noah Olga Pedro
Quinn Rosa Sam Tara Umar Vera Will Xenia Yusuf Zoe Alex Bianca Carlos Dina Emil Fatima Gil Hana Ivan Jade`)

// Store is what loading needs; *store.Store has it.
type Store interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
	CreateSection(ctx context.Context, sec *model.Section) error
	CreateStory(ctx context.Context, st *model.Story) error
	CreateComment(ctx context.Context, c *model.Comment) error
}

// Load writes n stories with their comments through the store, in
// transactions of batch stories, and reports progress to progress (may be
// nil). Slugs are the slugified title plus the story number, so they are
// unique without a look-up. It returns the number of comments written.
func Load(ctx context.Context, st Store, g *Generator, n, batch int, slugify func(string) string, progress func(done int)) (int, error) {
	ids := map[string]int64{}
	err := st.InTx(ctx, func(ctx context.Context) error {
		for _, sec := range Sections {
			sec.CreatedAt = g.Now.Add(-9 * 365 * 24 * time.Hour)
			if err := st.CreateSection(ctx, &sec); err != nil {
				return err
			}
			ids[sec.Slug] = sec.ID
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("corpus: sections: %w", err)
	}
	comments := 0
	for start := 0; start < n; start += batch {
		end := min(start+batch, n)
		err := st.InTx(ctx, func(ctx context.Context) error {
			for i := start; i < end; i++ {
				story, sec, cs := g.Story(i, n)
				story.SectionID = ids[sec]
				story.Slug = fmt.Sprintf("%s-%d", slugify(story.Title), i+1)
				if err := st.CreateStory(ctx, &story); err != nil {
					return err
				}
				for _, c := range cs {
					c.StoryID = story.ID
					if err := st.CreateComment(ctx, &c); err != nil {
						return err
					}
					comments++
				}
			}
			return nil
		})
		if err != nil {
			return comments, fmt.Errorf("corpus: stories %d–%d: %w", start+1, end, err)
		}
		if progress != nil {
			progress(end)
		}
	}
	return comments, nil
}
