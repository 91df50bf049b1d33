package store_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/search"
	"github.com/confide/confide/internal/store"
)

// anyStatus asks find for stories of every status, as the admin area does.
var anyStatus = model.SearchFilter{Status: "any"}

// searchSite is a small site written for the search tests: each story holds
// the words one test looks for, and nothing else does.
type searchSite struct {
	st             *store.Store
	family, work   model.Section
	byKey          map[string]model.Story
	published, all int
	dialect        database.Dialect
}

func newSearchSite(t testing.TB, db *database.DB) *searchSite {
	t.Helper()
	ctx := context.Background()
	s := &searchSite{st: store.New(db), byKey: map[string]model.Story{}, dialect: db.Dialect}
	s.family = model.Section{Slug: "family", Name: "Family", CreatedAt: t0}
	s.work = model.Section{Slug: "work", Name: "Work", CreatedAt: t0}
	for _, sec := range []*model.Section{&s.family, &s.work} {
		if err := s.st.CreateSection(ctx, sec); err != nil {
			t.Fatal(err)
		}
	}
	stories := []struct {
		key, title, letter, reply, status string
		sec                               model.Section
	}{
		{"title-trust", "I cannot trust him any more", "We have been together six years and lately he hides his phone.",
			"Six years is a long time to build something together.", model.StoryPublished, s.family},
		{"reply-trust", "My sister never calls", "She moved abroad and the calls stopped coming in the spring.",
			"Distance changes families. In time you may learn to trust the quiet, too.", model.StoryPublished, s.family},
		{"trusting", "Starting again at fifty", "Trusting people again after what happened at the factory feels impossible.",
			"Fifty is not late. Start small.", model.StoryPublished, s.work},
		{"phrase", "Evenings are the hardest", "Since the evening after the divorce the flat has been too quiet.",
			"Quiet evenings can be filled slowly: a class, a walk, a call.", model.StoryPublished, s.family},
		{"apart", "The divorce came after years", "The divorce was final in March. After that, nothing.",
			"March is behind you now.", model.StoryPublished, s.family},
		{"lonely-work", "Lonely in an open office", "Forty colleagues around me and I feel lonely every single day at work.",
			"Being lonely among people is its own kind of hard.", model.StoryPublished, s.work},
		{"lonely-home", "Lonely since the children left", "The house is lonely and so am I.",
			"Many parents feel this when the nest empties.", model.StoryPublished, s.family},
		{"script", "A <script> in my title", `I wrote <script>alert("x")</script> and <b>bold</b> about my anxiety.`,
			"Your anxiety is real.", model.StoryPublished, s.family},
		{"husband", "When my husband went quiet", "My husband stopped talking at dinner.", "Silence can be an invitation.", model.StoryPublished, s.family},
		{"hurt", "Hurting and human", "I feel hurt, and the humans around me do not see it.", "Being hurt is human.", model.StoryPublished, s.family},
		{"past", "The past keeps coming back", "Passing the old house, the past returns.", "Memories soften.", model.StoryPublished, s.family},
		{"partner", "My partner is away at night", "My partner sleeps by day.", "Nights are long.", model.StoryPublished, s.family},
		{"draft", "A draft about gardening", "Gardening helped me through the winter.", "", model.StoryDraft, s.family},
		{"withdrawn", "Withdrawn gardening story", "My gardening story, which I took back.", "Gardening heals.", model.StoryWithdrawn, s.family},
	}
	for i, d := range stories {
		st := model.Story{Slug: d.key, SectionID: d.sec.ID, Title: d.title, Letter: d.letter, Reply: d.reply,
			Status: d.status, CreatedAt: t0, UpdatedAt: t0}
		if d.status == model.StoryPublished {
			st.PublishedAt = t0.Add(time.Duration(i) * time.Hour)
			s.published++
		}
		if err := s.st.CreateStory(ctx, &st); err != nil {
			t.Fatal(err)
		}
		s.byKey[d.key] = st
		s.all++
	}
	return s
}

func (s *searchSite) find(t *testing.T, query string, f model.SearchFilter) ([]string, int) {
	t.Helper()
	if f.Limit == 0 {
		f.Limit = 20
	}
	switch f.Status {
	case "":
		f.Status = model.StoryPublished
	case "any":
		f.Status = ""
	}
	hits, total, err := s.st.SearchStories(context.Background(), search.Parse(query), f)
	if err != nil {
		t.Fatalf("search %q: %v", query, err)
	}
	var keys []string
	for _, h := range hits {
		keys = append(keys, h.Story.Slug)
	}
	return keys, total
}

func TestSearchLanguage(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		s := newSearchSite(t, db)
		tests := []struct {
			name, query string
			filter      model.SearchFilter
			want        []string // in this order
			anyOrder    bool
		}{
			// A title match ranks above a single mention in the reply;
			// stemming finds "trusting" for "trust".
			{name: "ranking", query: "trust", want: []string{"title-trust", "trusting", "reply-trust"}},
			{name: "stemming", query: "trusting", want: []string{"title-trust", "trusting", "reply-trust"}},
			{name: "all words must match", query: "lonely office", want: []string{"lonely-work"}},
			{name: "phrase", query: `"evening after the divorce"`, want: []string{"phrase"}},
			{name: "phrase ends are trimmed", query: `"after the divorce"`, want: []string{"apart", "phrase"}, anyOrder: true},
			{name: "words of the phrase apart", query: "after divorce", want: []string{"apart", "phrase"}, anyOrder: true},
			{name: "phrase with a word", query: `evening "after the divorce"`, want: []string{"phrase"}},
			{name: "phrase with a left-out word", query: `"after the divorce" -evening`, want: []string{"apart"}},
			{name: "two phrases", query: `"after the divorce" "the evening"`, want: []string{"phrase"}},
			{name: "exclusion", query: "lonely -work", want: []string{"lonely-home"}},
			{name: "phrase exclusion", query: `divorce -"evening after the divorce"`, want: []string{"apart"}},
			{name: "prefix", query: "trus*", want: []string{"title-trust", "trusting", "reply-trust"}, anyOrder: true},
			// A beginning the stemmer would shorten ("hus" to "hu", "pas"
			// to "pa") still means words that begin so.
			{name: "prefix not stemmed", query: "hus*", want: []string{"husband"}},
			{name: "prefix not stemmed 2", query: "pas*", want: []string{"past"}},
			{name: "prefix of a whole word", query: "lonely*", want: []string{"lonely-home", "lonely-work"}, anyOrder: true},
			{name: "prefix with a word", query: "hurt hum*", want: []string{"hurt"}},
			{name: "prefix excluded", query: "night -par*", want: nil},
			{name: "prefix excluded 2", query: "house -hus*", want: []string{"lonely-home", "past"}, anyOrder: true},
			{name: "prefix excluded 3", query: "dinner -hus*", want: nil},
			{name: "section", query: "lonely", filter: model.SearchFilter{SectionID: s.work.ID}, want: []string{"lonely-work"}},
			{name: "case", query: "LONELY OFFICE", want: []string{"lonely-work"}},
			{name: "stop words left out", query: "the lonely and the office", want: []string{"lonely-work"}},
			{name: "drafts and withdrawn never", query: "gardening", want: nil},
			{name: "operators are words", query: `lonely AND OR NOT NEAR( "`, want: nil},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				if tc.anyOrder {
					tc.want = slices.Clone(tc.want)
					slices.Sort(tc.want)
				}
				// Counted in full (as the admin area does) and up to a
				// cap (as a reader's search does): the same stories.
				for _, maxTotal := range []int{0, 100} {
					f := tc.filter
					f.MaxTotal = maxTotal
					got, total := s.find(t, tc.query, f)
					if tc.anyOrder {
						slices.Sort(got)
					}
					if !slices.Equal(got, tc.want) || total != len(tc.want) {
						t.Errorf("%q (count up to %d) found %v (total %d), want %v", tc.query, maxTotal, got, total, tc.want)
					}
				}
			})
		}
	})
}

func TestSearchPagesAndLimits(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		s := newSearchSite(t, db)
		all, total := s.find(t, "lonely", model.SearchFilter{})
		if total != 2 || len(all) != 2 {
			t.Fatalf("lonely: %v %d", all, total)
		}
		first, total := s.find(t, "lonely", model.SearchFilter{Limit: 1})
		second, total2 := s.find(t, "lonely", model.SearchFilter{Limit: 1, Offset: 1})
		if total != 2 || total2 != 2 || len(first) != 1 || len(second) != 1 || first[0] != all[0] || second[0] != all[1] {
			t.Fatalf("pages: %v %v of %v", first, second, all)
		}
		if past, total := s.find(t, "lonely", model.SearchFilter{Offset: 5}); len(past) != 0 || total != 2 {
			t.Fatalf("past the end: %v %d", past, total)
		}
		// Counting stops at MaxTotal.
		if _, total := s.find(t, "trust", model.SearchFilter{MaxTotal: 2}); total != 2 {
			t.Fatalf("capped count = %d, want 2", total)
		}
		// Newest first for feeds.
		if got, _ := s.find(t, "trust", model.SearchFilter{Newest: true}); !slices.Equal(got, []string{"trusting", "reply-trust", "title-trust"}) {
			t.Fatalf("newest first: %v", got)
		}
		// Related stories leave the story itself out.
		if got, _ := s.find(t, "lonely", model.SearchFilter{ExcludeID: s.byKey["lonely-home"].ID}); !slices.Equal(got, []string{"lonely-work"}) {
			t.Fatalf("exclude id: %v", got)
		}
	})
}

func TestSearchAdminSeesEveryStatus(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		s := newSearchSite(t, db)
		got, _ := s.find(t, "gardening", anyStatus)
		slices.Sort(got)
		if !slices.Equal(got, []string{"draft", "withdrawn"}) {
			t.Fatalf("admin search: %v", got)
		}
	})
}

func TestSearchSnippets(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		s := newSearchSite(t, db)
		hits, _, err := s.st.SearchStories(context.Background(), search.Parse("anxiety"), model.SearchFilter{Status: model.StoryPublished, Limit: 5})
		if err != nil || len(hits) != 1 {
			t.Fatalf("%v %v", hits, err)
		}
		html := string(search.Highlight(hits[0].Snippet))
		if !strings.Contains(html, "<mark>anxiety</mark>") {
			t.Errorf("snippet does not mark the word: %q", html)
		}
		// FTS5 keeps the writer's tags as text (escaped here); PostgreSQL's
		// parser drops them from the passage. Neither may reach the page.
		if strings.Contains(html, "<script") || strings.Contains(html, "<b>") {
			t.Errorf("snippet not escaped: %q", html)
		}
		// A word found only in the reply gives a snippet of the reply.
		hits, _, err = s.st.SearchStories(context.Background(), search.Parse("nest"), model.SearchFilter{Status: model.StoryPublished, Limit: 5})
		if err != nil || len(hits) != 1 || !strings.Contains(string(search.Highlight(hits[0].Snippet)), "the <mark>nest</mark> empties") {
			t.Errorf("reply snippet: %+v %v", hits, err)
		}
	})
}

func TestSearchFollowsChanges(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		s := newSearchSite(t, db)
		v0, err := s.st.SearchVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// A comment does not change what search sees.
		if err := s.st.CreateComment(ctx, &model.Comment{StoryID: s.byKey["phrase"].ID, AuthorName: "A", Body: "hugs",
			Status: model.CommentApproved, CreatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		if v, _ := s.st.SearchVersion(ctx); v != v0 {
			t.Errorf("a comment moved the search version %d → %d", v0, v)
		}

		// An edit is searchable at once, and the old words are gone.
		st, err := s.st.StoryByID(ctx, s.byKey["phrase"].ID)
		if err != nil {
			t.Fatal(err)
		}
		st.Letter = "Since the mortgage went up I count every coin."
		if err := s.st.UpdateStory(ctx, st); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.find(t, "mortgage", model.SearchFilter{}); !slices.Equal(got, []string{"phrase"}) {
			t.Errorf("edited story not found: %v", got)
		}
		if got, _ := s.find(t, `"evening after the divorce"`, model.SearchFilter{}); len(got) != 0 {
			t.Errorf("old text still found: %v", got)
		}
		v1, _ := s.st.SearchVersion(ctx)
		if v1 <= v0 {
			t.Errorf("edit did not move the search version: %d → %d", v0, v1)
		}

		// Unpublished: gone at once. Deleted: gone from the index.
		st.Status = model.StoryDraft
		if err := s.st.UpdateStory(ctx, st); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.find(t, "mortgage", model.SearchFilter{}); len(got) != 0 {
			t.Errorf("unpublished story still found: %v", got)
		}
		if v2, _ := s.st.SearchVersion(ctx); v2 <= v1 {
			t.Errorf("unpublishing did not move the search version")
		}
		if err := s.st.DeleteStory(ctx, st.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.find(t, "mortgage", anyStatus); len(got) != 0 {
			t.Errorf("deleted story still found: %v", got)
		}
	})
}

// hostileQueries are inputs that break naive full-text search; none may make
// an engine fail. They seed the fuzz test too.
var hostileQueries = []string{
	`"`, `""`, `"""`, `AND OR`, `*`, `**`, `NEAR(`, `NEAR(a b, 2)`, `a NOT`, `NOT a`, `-`, `--`, `-"`, `- -x`,
	`(`, `)`, `a:b`, `title:trust`, `^trust`, `{trust}`, `trust +`, `'`, `'; DROP TABLE stories; --`,
	`\`, `\"`, `%`, `_`, `a & b`, `a | b`, `!a`, `a <-> b`, `a:*`, `:*`, `trust:* & !`, "\x00", "tab\tand\nnewline",
	"\uE000mark\uE001", "日本語 検索", "ünïcödé", "emoji 😢 sad", strings.Repeat("lonely ", 2000),
	strings.Repeat("a", 10000), strings.Repeat(`"`, 501), "the a an of", `-trust`, `"the of"`, `tr*`,
}

func TestSearchHostileQueries(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		s := newSearchSite(t, db)
		for _, q := range hostileQueries {
			for _, any := range []bool{false, true} {
				pq := search.Parse(q)
				pq.Any = any
				if _, _, err := s.st.SearchStories(context.Background(), pq, model.SearchFilter{Status: model.StoryPublished, Limit: 10}); err != nil {
					t.Errorf("%.40q (any=%v): %v", q, any, err)
				}
			}
		}
	})
}

// A broad query (as many matches as MaxTotal, or on SQLite more than its
// window) ranks only the stories whose title matches and the newest matches: here the title match and the newest
// story, and not the older mentions.
func TestSearchBroadQueryRanksCandidates(t *testing.T) {
	defer store.SetRankCandidates(1)()
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		s := newSearchSite(t, db)
		newest := model.Story{Slug: "newest-trust", SectionID: s.work.ID, Title: "Saturday mornings", Letter: "I want to trust again.",
			Status: model.StoryPublished, PublishedAt: t0.Add(100 * time.Hour), CreatedAt: t0, UpdatedAt: t0}
		if err := s.st.CreateStory(context.Background(), &newest); err != nil {
			t.Fatal(err)
		}
		got, total := s.find(t, "trust", model.SearchFilter{MaxTotal: 3})
		slices.Sort(got)
		if !slices.Equal(got, []string{"newest-trust", "title-trust"}) || total != 3 {
			t.Fatalf("broad query: %v (total %d)", got, total)
		}
		// With fewer matches than the window (and than MaxTotal) every
		// match is ranked.
		defer store.SetRankCandidates(10)()
		if got, _ := s.find(t, "trust", model.SearchFilter{MaxTotal: 5}); len(got) != 4 {
			t.Fatalf("narrow query: %v", got)
		}
	})
}

// A broad query ranks its newest matches by the words that carry weight:
// an older story with the rarer word three times comes before a newer one
// with it once, whatever the everyday word does. SQLite only: it is about
// bm25's document frequencies (PostgreSQL's ts_rank has none, and its window
// is an id range).
func TestSearchBroadRanksByRareWords(t *testing.T) {
	defer store.SetRankCandidates(2)()
	db := dbtest.SQLite(t)
	ctx := context.Background()
	st := store.New(db)
	sec := model.Section{Slug: "nights", Name: "Nights", CreatedAt: t0}
	if err := st.CreateSection(ctx, &sec); err != nil {
		t.Fatal(err)
	}
	letters := []string{
		"Morning tea.", "Morning rain.", "A slow morning.", "Morning light.", "Morning news.", "Cold morning.",
		"Morning, and a little dread.", "The morning bus again.", "Morning brings dread, dread and more dread.",
		"Another morning alone.", "Quiet morning.", "A morning walk.", "Morning comes with dread.", "Every morning is grey.",
	}
	for i, l := range letters {
		s := model.Story{Slug: "n" + strconv.Itoa(i+1), SectionID: sec.ID, Title: "Night " + strconv.Itoa(i+1), Letter: l,
			Status: model.StoryPublished, PublishedAt: t0.Add(time.Duration(i) * time.Hour), CreatedAt: t0, UpdatedAt: t0}
		if err := st.CreateStory(ctx, &s); err != nil {
			t.Fatal(err)
		}
	}
	hits, total, err := st.SearchStories(ctx, search.Parse("morning dread"), model.SearchFilter{
		Status: model.StoryPublished, Limit: 2, MaxTotal: 3})
	if err != nil || total != 3 {
		t.Fatalf("total %d, %v", total, err)
	}
	// The window is the two newest matches, n13 and n9, spread over five
	// stories; n9 has "dread" three times. "dread" is in 3 of 13 stories,
	// "morning" in all.
	var got []string
	for _, h := range hits {
		got = append(got, h.Story.Slug)
	}
	if !slices.Equal(got, []string{"n9", "n13"}) {
		t.Fatalf("got %v, want [n9 n13]", got)
	}
}

// A broad query of everyday words (in nearly every story) lists the stories
// whose title matches first, then the newest; the title index follows every
// retitling at once.
func TestSearchBroadEverydayWords(t *testing.T) {
	defer store.SetRankCandidates(2)()
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		st := store.New(db)
		stories := publishRow(t, st, "s", []string{"Every morning the same", "Tired", "Awake", "Worn out", "Up at five"},
			slices.Repeat([]string{"I wake at five every morning."}, 5))
		find := func() []string {
			hits, total, err := st.SearchStories(ctx, search.Parse("morning"), model.SearchFilter{
				Status: model.StoryPublished, Limit: 3, MaxTotal: 3})
			if err != nil || total != 3 {
				t.Fatalf("total %d, %v", total, err)
			}
			var got []string
			for _, h := range hits {
				got = append(got, h.Story.Slug)
			}
			return got
		}
		if got := find(); !slices.Equal(got, []string{"s0", "s4", "s3"}) {
			t.Fatalf("title match, then newest: got %v", got)
		}
		retitle := func(s *model.Story, title string) {
			s.Title = title
			if err := st.UpdateStory(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		retitle(&stories[0], "The same again")
		retitle(&stories[1], "Morning dread")
		if got := find(); !slices.Equal(got, []string{"s1", "s4", "s3"}) {
			t.Fatalf("after retitling: got %v", got)
		}
		// A query of any of its words (related stories) ranks the title
		// matches and the newest together.
		q := search.Parse("morning dread")
		q.Any = true
		hits, _, err := st.SearchStories(ctx, q, model.SearchFilter{Status: model.StoryPublished, Limit: 3, MaxTotal: 3, ExcludeID: stories[4].ID})
		var got []string
		for _, h := range hits {
			got = append(got, h.Story.Slug)
		}
		// (PostgreSQL's window is the newest ids, SQLite's the newest
		// matches: s2 is a candidate on SQLite only.)
		if err != nil || len(got) < 2 || got[0] != "s1" || !slices.Contains(got, "s3") {
			t.Fatalf("any word: got %v (%v)", got, err)
		}
	})
}

// A query listed newest first (a phrase, a beginning, four words or more:
// search.Query.Unranked) pages through its matches newest first when it
// has few, and after its title matches when it is broad, on both engines;
// every match comes once, and the count stops at MaxTotal.
func TestSearchUnrankedPages(t *testing.T) {
	defer store.SetRankCandidates(3)()
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		st := store.New(db)
		var titles, letters []string
		for i := range 8 {
			title := "Evening " + strconv.Itoa(i)
			if i == 1 {
				title = "I feel alone"
			}
			letter := "Some days I feel alone at home."
			if i%2 == 1 {
				letter = "Alone, I feel nothing." // the words, not the phrase
			}
			titles, letters = append(titles, title), append(letters, letter)
		}
		publishRow(t, st, "a", titles, letters)
		pages := func(query string, size, maxTotal int) (all []string, total int) {
			for page := 0; ; page++ {
				hits, n, err := st.SearchStories(ctx, search.Parse(query), model.SearchFilter{
					Status: model.StoryPublished, Limit: size, Offset: page * size, MaxTotal: maxTotal})
				if err != nil {
					t.Fatalf("%q page %d: %v", query, page, err)
				}
				total = n
				if len(hits) == 0 {
					return all, total
				}
				for _, h := range hits {
					all = append(all, h.Story.Slug)
				}
			}
		}
		// Matches: a0, a1 (its title), a2, a4, a6. As many as MaxTotal,
		// more than the window (3): a broad query, its title match first,
		// then newest first (each engine lists as many as its window
		// holds: SQLite its newest matches, PostgreSQL its newest stories).
		got, total := pages(`"feel alone"`, 2, 5)
		matches := []string{"a0", "a1", "a2", "a4", "a6"}
		if len(got) < 2 || got[0] != "a1" || got[1] != "a6" || total != 5 {
			t.Fatalf("broad phrase: %v (total %d), want a1, a6 first", got, total)
		}
		seen := map[string]bool{}
		for _, slug := range got {
			if seen[slug] || !slices.Contains(matches, slug) {
				t.Fatalf("broad phrase: %v: %s twice or not a match", got, slug)
			}
			seen[slug] = true
		}
		// Fewer matches than MaxTotal and the window: every one, newest
		// first.
		restore := store.SetRankCandidates(10)
		defer restore()
		got, total = pages(`"feel alone"`, 2, 10)
		if want := []string{"a6", "a4", "a2", "a1", "a0"}; !slices.Equal(got, want) || total != 5 {
			t.Fatalf("phrase: %v (total %d), want %v", got, total, want)
		}
		got, total = pages(`"feel alone" -evening`, 2, 10)
		if want := []string{"a1"}; !slices.Equal(got, want) || total != 1 {
			t.Fatalf("narrow phrase: %v (total %d), want %v", got, total, want)
		}
		got, total = pages("some days feel alone home", 1, 10)
		if want := []string{"a6", "a4", "a2", "a0"}; !slices.Equal(got, want) || total != 4 {
			t.Fatalf("long query: %v (total %d), want %v", got, total, want)
		}
		// The count stops at MaxTotal; the pages still list every match
		// they reach.
		if _, total = pages("alon*", 3, 4); total != 4 {
			t.Fatalf("capped count %d, want 4", total)
		}
	})
}

// A query of any of many words (related stories) is ranked over its whole
// window, never listed newest first: the story holding most of the words
// comes first though four newer ones hold one each.
func TestSearchAnyWordsRanksItsWindow(t *testing.T) {
	defer store.SetRankCandidates(5)()
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		st := store.New(db)
		var titles, letters []string
		for i := range 8 {
			letter := "The roses came back this spring."
			if i == 3 {
				letter = "Roses, tulips, daisies, lilies and orchids: I planted them for her."
			}
			titles, letters = append(titles, "Week "+strconv.Itoa(i)), append(letters, letter)
		}
		publishRow(t, st, "g", titles, letters)
		q := search.Parse("roses tulips daisies lilies orchids")
		q.Any = true
		hits, _, err := st.SearchStories(ctx, q, model.SearchFilter{Status: model.StoryPublished, Limit: 1, MaxTotal: 6})
		if err != nil || len(hits) != 1 || hits[0].Story.Slug != "g3" {
			t.Fatalf("got %v (%v), want g3 first", hits, err)
		}
	})
}

// publishRow makes a section and publishes one story for each title and
// letter (slug prefix+i, an hour apart, the first the oldest).
func publishRow(t *testing.T, st *store.Store, prefix string, titles, letters []string) []model.Story {
	t.Helper()
	ctx := context.Background()
	sec := model.Section{Slug: prefix + "-section", Name: "Section " + prefix, CreatedAt: t0}
	if err := st.CreateSection(ctx, &sec); err != nil {
		t.Fatal(err)
	}
	var out []model.Story
	for i := range titles {
		s := model.Story{Slug: prefix + strconv.Itoa(i), SectionID: sec.ID, Title: titles[i], Letter: letters[i],
			Status: model.StoryPublished, PublishedAt: t0.Add(time.Duration(i) * time.Hour), CreatedAt: t0, UpdatedAt: t0}
		if err := st.CreateStory(ctx, &s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// A broad query (as many matches as MaxTotal) whose matches are all older
// than the newest stories still fills every page its count offers: on
// PostgreSQL its window widens past the newest rankCandidates stories until
// it holds the page.
func TestSearchBroadOldMatchesFillPages(t *testing.T) {
	defer store.SetRankCandidates(6)()
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		st := store.New(db)
		var titles, letters []string
		for i := range 20 {
			letter := "Spring came and went."
			if i < 6 {
				letter = "I still feel alone in the evenings."
			}
			titles, letters = append(titles, "Day "+strconv.Itoa(i)), append(letters, letter)
		}
		publishRow(t, st, "o", titles, letters)
		for _, query := range []string{`"feel alone"`, "still evenings", "still alone evenings feel"} {
			var got []string
			for page := 0; page < 3; page++ {
				hits, total, err := st.SearchStories(ctx, search.Parse(query), model.SearchFilter{
					Status: model.StoryPublished, Limit: 2, Offset: page * 2, MaxTotal: 5})
				if err != nil || total != 5 {
					t.Fatalf("%q page %d: total %d, %v", query, page, total, err)
				}
				if len(hits) != 2 {
					t.Fatalf("%q page %d: %d hits, want 2 (so far %v)", query, page, len(hits), got)
				}
				for _, h := range hits {
					got = append(got, h.Story.Slug)
				}
			}
			slices.Sort(got)
			if want := []string{"o0", "o1", "o2", "o3", "o4", "o5"}; !slices.Equal(got, want) {
				t.Fatalf("%q: %v, want every match once: %v", query, got, want)
			}
		}
	})
}
