package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/confide/confide/bench/corpus"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/search"
)

// search.Stem must stem as SQLite's FTS5 porter tokenizer does, or prefix
// searches would be rewritten wrongly. Each word goes through the real
// tokenizer and comes back as the term FTS5 indexes.
func TestStemIsFTS5Porter(t *testing.T) {
	db := dbtest.SQLite(t)
	ctx := context.Background()
	for _, q := range []string{
		`CREATE VIRTUAL TABLE temp.words USING fts5(w, tokenize = 'porter unicode61 remove_diacritics 2')`,
		`CREATE VIRTUAL TABLE temp.words_terms USING fts5vocab(temp, words, 'instance')`,
	} {
		if _, err := db.Write.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	words := []string{"lonely", "loneliness", "hus", "pas", "trus", "mothe", "feeling", "agreed", "happy", "generous",
		"relational", "conditional", "vietnamization", "sensibiliti", "electrical", "probate", "controll", "bowdlerize",
		"adoption", "communism", "irritant", "hopefulness", "analogousli", "differentli", "vileli", "radicalli",
		"geology", "archaeologi", "abli", "conformabli", "sky", "skies", "dying", "lying", "tying", "crying"}
	for _, w := range corpus.Vocabulary()[:2000] {
		if !strings.ContainsAny(w, "'") {
			words = append(words, strings.ToLower(w))
		}
	}
	// Every prefix of 3 to 6 letters of the everyday words, as readers type them.
	for _, w := range corpus.Vocabulary()[:600] {
		if strings.ContainsAny(w, "'") {
			continue
		}
		for n := 3; n <= 6 && n < len(w); n++ {
			words = append(words, strings.ToLower(w[:n]))
		}
	}
	for i, w := range words {
		if _, err := db.Write.ExecContext(ctx, `INSERT INTO temp.words (rowid, w) VALUES ($1, $2)`, i+1, w); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := db.Write.QueryContext(ctx, `SELECT doc, term FROM temp.words_terms`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var doc int
		var term string
		if err := rows.Scan(&doc, &term); err != nil {
			t.Fatal(err)
		}
		if w := words[doc-1]; search.Stem(w) != term {
			t.Errorf("Stem(%q) = %q, FTS5 says %q", w, search.Stem(w), term)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d words compared", len(words))
}
