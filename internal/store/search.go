package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/search"
)

// Full-text search lives here in two dialects: SQLite's FTS5 (stories_fts, an
// external-content index kept by triggers) and PostgreSQL's text search
// (stories.search, a generated tsvector with a GIN index). Both get the same
// cleaned search.Query and render it into their own syntax, quoting every
// word, so no input can be read as syntax. A new kind of document (letters,
// comments) is a new index in a migration and a new searchable below.

// searchable describes one kind of document that can be searched.
type searchable struct {
	fts      string // SQLite: the FTS5 table
	titleFTS string // SQLite: the FTS5 table of titles alone
	table    string // the content table; its id is the FTS rowid
	filterIx string // SQLite: narrow index answering status and section per match
	// SQLite: partial index of the documents readers may not see
	unpublishedIx string
	titleCol      string // weighted highest; broad queries rank title matches
	pairsCol      string // PostgreSQL: the indexed pairs of neighbouring words, for phrases
}

var storiesSearch = searchable{
	fts: "stories_fts", titleFTS: "stories_title_fts", table: "stories", filterIx: "stories_search_filter",
	unpublishedIx: "stories_unpublished",
	titleCol:      "title", pairsCol: "pairs",
}

// SearchStories runs q over stories and returns one page of hits, best first,
// and the number of matches (counted up to f.MaxTotal when that is set).
func (s *Store) SearchStories(ctx context.Context, q search.Query, f model.SearchFilter) ([]model.SearchHit, int, error) {
	if q.Empty() {
		return nil, 0, nil
	}
	var hits []model.SearchHit
	var total int
	err := s.searchTx(ctx, func(ctx context.Context) error {
		var err error
		hits, total, err = s.searchStories(ctx, q, f)
		return err
	})
	return hits, total, overBudget(err)
}

// overBudget marks a query that PostgreSQL stopped at its statement_timeout
// (set from the context's deadline in searchTx, so it may fire a moment
// before the context ends) as past its deadline, as a cancelled one is.
func overBudget(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "57014" {
		return fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
	}
	return err
}

// searchTx runs a search. On PostgreSQL it runs in a read-only transaction
// that steers the planner to bitmap scans of the text indexes: its cost
// model does not know that testing a match on a row means reading its whole
// stored tsvector, and would otherwise walk the table in id order testing
// every row (a hundred times slower on a big site).
func (s *Store) searchTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if s.db.Dialect != database.Postgres || txOf(ctx) != nil {
		return fn(ctx)
	}
	tx, err := s.db.Read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("store: search: begin: %w", err)
	}
	defer tx.Rollback()
	// JIT off: the disabled plans' huge costs would otherwise push the
	// whole query over jit_above_cost, and compiling it takes a hundred
	// times longer than running it (200 ms for a page of letters).
	settings := "SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off; SET LOCAL jit = off"
	if deadline, ok := ctx.Deadline(); ok {
		// The server stops the search by itself at its deadline, even if
		// the cancel request that pgx sends when ctx ends were lost.
		settings += fmt.Sprintf("; SET LOCAL statement_timeout = %d", max(1, time.Until(deadline).Milliseconds()))
	}
	if _, err := tx.ExecContext(ctx, settings); err != nil {
		return fmt.Errorf("store: search: planner settings: %w", err)
	}
	if err := fn(context.WithValue(ctx, txKey{}, &txState{tx: tx})); err != nil {
		return err
	}
	return tx.Commit()
}

func (s *Store) searchStories(ctx context.Context, q search.Query, f model.SearchFilter) ([]model.SearchHit, int, error) {
	ids, total, err := s.searchIDs(ctx, storiesSearch, q, f)
	if err != nil || len(ids) == 0 {
		return nil, total, err
	}
	stories, err := s.storiesByID(ctx, ids, !f.NoSnippet)
	if err != nil {
		return nil, 0, err
	}
	hits := make([]model.SearchHit, 0, len(ids))
	sn := search.NewSnippeter(q)
	for _, id := range ids {
		st, ok := stories[id]
		if !ok {
			continue
		}
		h := model.SearchHit{Story: st}
		if !f.NoSnippet {
			h.Snippet = snippet(sn, st.Letter, st.Reply)
			h.Story.Reply = "" // lists show no reply
		}
		hits = append(hits, h)
	}
	return hits, total, nil
}

func (s *Store) searchIDs(ctx context.Context, doc searchable, q search.Query, f model.SearchFilter) ([]int64, int, error) {
	if s.db.Dialect == database.SQLite {
		return s.searchIDsSQLite(ctx, doc, q, f)
	}
	return s.searchIDsPostgres(ctx, doc, q, f)
}

// snippetWords is how long a passage of a hit is.
const snippetWords = 24

// snippet is a passage of the first text (a letter before its reply)
// where the query's words are marked, else the first text's beginning.
// It is made here, from the text, rather than by the engine (see
// search.Snippet).
func snippet(sn *search.Snippeter, texts ...string) string {
	first := ""
	for i, text := range texts {
		passage, found := sn.Snippet(text, snippetWords)
		if found {
			return passage
		}
		if i == 0 {
			first = passage
		}
	}
	return first
}

// storiesByID reads stories by id, with their reply only if asked.
func (s *Store) storiesByID(ctx context.Context, ids []int64, withReply bool) (map[int64]model.Story, error) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	cols := listColumns
	if withReply {
		cols = storyColumns
	}
	rows, err := s.reader(ctx).QueryContext(ctx, cols+storyFrom+" WHERE s.id IN ("+placeholders(1, len(ids))+")", args...)
	if err != nil {
		return nil, fmt.Errorf("store: stories by id: %w", err)
	}
	defer rows.Close()
	out := map[int64]model.Story{}
	for rows.Next() {
		st, err := scanStory(rows)
		if err != nil {
			return nil, fmt.Errorf("store: stories by id: %w", err)
		}
		out[st.ID] = st
	}
	return out, rows.Err()
}

// placeholders returns "$from, $from+1, …" for n arguments.
func placeholders(from, n int) string {
	p := make([]string, n)
	for i := range p {
		p[i] = fmt.Sprintf("$%d", from+i)
	}
	return strings.Join(p, ", ")
}

// fts5Query renders q in FTS5's query syntax. Every word is a quoted string,
// so nothing a reader typed can be an operator: `"trust" AND "lie"*`, phrases
// as one quoted string, exclusions as NOT.
func fts5Query(q search.Query) string {
	term := func(t search.Term) string {
		if t.Prefix {
			return fts5Prefix(t.Words[0])
		}
		return `"` + strings.Join(t.Words, " ") + `"`
	}
	var inc []string
	for _, t := range q.Include() {
		inc = append(inc, term(t))
	}
	op := " AND "
	if q.Any {
		op = " OR "
	}
	out := "(" + strings.Join(inc, op) + ")"
	for _, t := range q.Exclude() {
		out += " NOT " + term(t)
	}
	return out
}

// prefixNext are the characters a word may go on with after a prefix.
// Digits are left out: each continuation is one more phrase to set up on
// every lookup, and words that go on with a digit are rare in letters.
const prefixNext = "abcdefghijklmnopqrstuvwxyz"

// maxPrefixIndex is the longest beginning FTS5 keeps a prefix index for
// (migration 0010: prefix = '3 4 5 6').
const maxPrefixIndex = 6

// fts5Prefix renders "words beginning with p". FTS5 stems a prefix with the
// porter tokenizer like any word, so "hus"* would be searched as "hu"*: other
// words, and no prefix index (it keeps beginnings of 3 to 6 letters), so
// every word beginning "hu" is read. When stemming would change p, the
// prefix is asked for as p itself (stemmed as a whole word, so "lonely*"
// finds "lonely") or p and one more character, each a prefix the stemmer
// leaves alone: ("hus" OR "husa"* OR "husb"* …).
//
// A beginning of six letters or more is left to FTS5's stemming: the
// continuations would have no prefix index to read, and Porter shortens a
// long beginning by a suffix at most ("decide*" as "decid*").
func fts5Prefix(p string) string {
	if search.Stem(p) == p || len(p) >= maxPrefixIndex {
		return `"` + p + `"*`
	}
	parts := []string{`"` + p + `"`}
	for _, c := range prefixNext {
		if pc := p + string(c); search.Stem(pc) == pc {
			parts = append(parts, `"`+pc+`"*`)
		}
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// tsQuery renders q as a PostgreSQL tsquery expression with its words as
// arguments numbered from $next: words through plainto_tsquery (stemmed,
// like the index), phrases through phraseto_tsquery, beginnings through
// to_tsquery('simple', 'word:*'), which is safe because a cleaned word has
// only letters and digits.
func tsQuery(q search.Query, next int) (string, []any) {
	var args []any
	term := func(t search.Term) string {
		switch {
		case t.Prefix:
			// Lexemes are stemmed: "lonely" is kept as "lone", which
			// "lonely:*" does not begin, so the whole word counts too.
			args = append(args, t.Words[0]+":*", t.Words[0])
			return fmt.Sprintf("(to_tsquery('simple', $%d) || plainto_tsquery('english', $%d))", next+len(args)-2, next+len(args)-1)
		case t.Phrase():
			args = append(args, strings.Join(t.Words, " "))
			return fmt.Sprintf("phraseto_tsquery('english', $%d)", next+len(args)-1)
		default:
			args = append(args, t.Words[0])
			return fmt.Sprintf("plainto_tsquery('english', $%d)", next+len(args)-1)
		}
	}
	var inc []string
	for _, t := range q.Include() {
		inc = append(inc, term(t))
	}
	op := " && "
	if q.Any {
		op = " || "
	}
	out := "(" + strings.Join(inc, op) + ")"
	for _, t := range q.Exclude() {
		out += " && !!" + term(t)
	}
	return "(" + out + ")", args
}

// SearchVersion goes up with every change to a story's text, section or
// status (triggers keep it, in the same transaction), so lists derived from
// search, like related stories, know when they are stale.
func (s *Store) SearchVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := s.reader(ctx).QueryRowContext(ctx, `SELECT version FROM search_state WHERE id = 1`).Scan(&v); err != nil {
		return 0, fmt.Errorf("store: search version: %w", err)
	}
	return v, nil
}

// OptimizeSearch compacts the search index after a bulk load: on SQLite it
// merges the FTS5 index into one segment (reads walk fewer b-trees), on
// PostgreSQL it refreshes the planner's statistics. Importers call it.
//
// On SQLite it also moves the write-ahead log into the database file: after
// a bulk load the log holds a gigabyte, and every read looks pages up in it
// until a later write checkpoints it.
func (s *Store) OptimizeSearch(ctx context.Context) error {
	qs := []string{`ANALYZE stories`}
	if s.db.Dialect == database.SQLite {
		qs = []string{`INSERT INTO stories_fts (stories_fts) VALUES ('optimize')`,
			`INSERT INTO stories_title_fts (stories_title_fts) VALUES ('optimize')`, `PRAGMA wal_checkpoint(TRUNCATE)`}
	}
	for _, q := range qs {
		if _, err := s.db.Write.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("store: optimize search: %w", err)
		}
	}
	return nil
}

// PublishedIDs reports which of ids are published stories.
func (s *Store) PublishedIDs(ctx context.Context, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	live, err := s.ids(ctx, "SELECT id FROM stories WHERE status = 'published' AND id IN ("+placeholders(1, len(ids))+")", args)
	if err != nil {
		return nil, fmt.Errorf("store: published ids: %w", err)
	}
	for _, id := range live {
		out[id] = true
	}
	return out, nil
}
