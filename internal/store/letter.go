package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/search"
)

const letterColumns = `SELECT l.id, l.token_hash, l.link_salt, l.title, l.body, l.writer_name, l.writer_email,
	COALESCE(l.section_id, 0), COALESCE(sec.name, ''), l.consent, l.status, l.priority, COALESCE(l.assigned_to, 0),
	COALESCE(u.name, ''), l.held_reason, l.created_at, l.updated_at, l.first_reply_at, l.withdrawn_at, l.writer_wrote_at,
	l.notify_comments, l.risk_tier, l.risk_why
	FROM letters l LEFT JOIN sections sec ON sec.id = l.section_id LEFT JOIN users u ON u.id = l.assigned_to`

func scanLetter(row interface{ Scan(...any) error }) (model.Letter, error) {
	var l model.Letter
	var replied, withdrawn, wrote sql.NullTime
	err := row.Scan(&l.ID, &l.TokenHash, &l.LinkSalt, &l.Title, &l.Body, &l.WriterName, &l.WriterEmail,
		&l.SectionID, &l.SectionName, &l.Consent, &l.Status, &l.Priority, &l.AssignedTo, &l.AssigneeName,
		&l.HeldReason, &l.CreatedAt, &l.UpdatedAt, &replied, &withdrawn, &wrote, &l.NotifyComments, &l.RiskTier, &l.RiskWhy)
	l.CreatedAt, l.UpdatedAt = l.CreatedAt.UTC(), l.UpdatedAt.UTC()
	l.FirstReplyAt, l.WithdrawnAt, l.WriterWrote = fromNull(replied), fromNull(withdrawn), fromNull(wrote)
	return l, err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// CreateLetter stores a new letter and sets its ID.
func (s *Store) CreateLetter(ctx context.Context, l *model.Letter) error {
	err := s.InTx(ctx, func(ctx context.Context) error {
		return s.writer(ctx).QueryRowContext(ctx, `INSERT INTO letters (token_hash, link_salt, title, body, writer_name,
			writer_email, section_id, consent, status, priority, held_reason, created_at, updated_at, risk_tier, risk_why)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
			l.TokenHash, l.LinkSalt, l.Title, l.Body, l.WriterName, l.WriterEmail, nullID(l.SectionID), l.Consent,
			l.Status, l.Priority, l.HeldReason, ts(l.CreatedAt), ts(l.UpdatedAt), l.RiskTier, l.RiskWhy).Scan(&l.ID)
	})
	if err != nil {
		return fmt.Errorf("store: create letter: %w", err)
	}
	return nil
}

// LetterByID returns a letter, or a not-found error.
func (s *Store) LetterByID(ctx context.Context, id int64) (*model.Letter, error) {
	l, err := scanLetter(s.reader(ctx).QueryRowContext(ctx, letterColumns+` WHERE l.id = $1`, id))
	if err != nil {
		return nil, notFound(err, "letter")
	}
	return &l, nil
}

// LetterByTokenHash returns the letter a writer's link opens.
func (s *Store) LetterByTokenHash(ctx context.Context, hash string) (*model.Letter, error) {
	l, err := scanLetter(s.reader(ctx).QueryRowContext(ctx, letterColumns+` WHERE l.token_hash = $1`, hash))
	if err != nil {
		return nil, notFound(err, "letter")
	}
	return &l, nil
}

// UpdateLetter writes a letter's editable fields and state.
func (s *Store) UpdateLetter(ctx context.Context, l *model.Letter) error {
	err := s.InTx(ctx, func(ctx context.Context) error {
		return oneRow(s.writer(ctx).ExecContext(ctx, `UPDATE letters SET title = $1, body = $2, writer_name = $3,
			writer_email = $4, section_id = $5, consent = $6, status = $7, priority = $8, assigned_to = $9,
			updated_at = $10, first_reply_at = $11, withdrawn_at = $12, writer_wrote_at = $13, notify_comments = $14, risk_tier = $15, risk_why = $16 WHERE id = $17`,
			l.Title, l.Body, l.WriterName, l.WriterEmail, nullID(l.SectionID), l.Consent, l.Status, l.Priority,
			nullID(l.AssignedTo), ts(l.UpdatedAt), nullTime(l.FirstReplyAt), nullTime(l.WithdrawnAt), nullTime(l.WriterWrote), l.NotifyComments, l.RiskTier, l.RiskWhy, l.ID))
	})
	if err != nil {
		return fmt.Errorf("store: update letter %d: %w", l.ID, err)
	}
	return nil
}

// openLetters is the condition of an open letter, written as the partial
// index letters_open says it, so that both engines use that index.
const openLetters = `status IN ('new', 'assigned', 'drafting', 'waiting', 'replied')`

// Letters lists a page of the inbox, the most urgent and then the oldest
// first, with the count (up to maxListed). The page's ids come from an
// index in order; only its 50 rows are read whole.
func (s *Store) Letters(ctx context.Context, f model.LetterFilter) ([]model.Letter, int, error) {
	where := ` WHERE ` + openLetters
	args := []any{}
	if f.Status != "" {
		args = append(args, f.Status)
		where = fmt.Sprintf(` WHERE status = $%d`, len(args))
	}
	if f.AssignedTo != 0 {
		args = append(args, f.AssignedTo)
		where += fmt.Sprintf(` AND assigned_to = $%d`, len(args))
	}
	if f.Urgent {
		where += ` AND priority >= 2`
	}
	if f.Answered {
		where += ` AND writer_wrote_at IS NOT NULL`
	}
	var total int
	if err := s.reader(ctx).QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM letters`+where+
		fmt.Sprintf(` LIMIT $%d) AS q`, len(args)+1), append(args, maxListed)...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count letters: %w", err)
	}
	n := len(args)
	order := ` ORDER BY priority DESC, created_at, id`
	from := ` FROM letters`
	if s.db.Dialect == database.SQLite && f.Status == "" && f.AssignedTo == 0 && !f.Answered {
		// Named: SQLite would rather sort every open letter read from the
		// index by state than walk this one in order.
		from = ` FROM letters INDEXED BY letters_open`
	}
	rows, err := s.reader(ctx).QueryContext(ctx, letterColumns+` WHERE l.id IN (SELECT id`+from+where+order+
		fmt.Sprintf(` LIMIT $%d OFFSET $%d)`, n+1, n+2)+` ORDER BY l.priority DESC, l.created_at, l.id`,
		append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: letters: %w", err)
	}
	defer rows.Close()
	var out []model.Letter
	for rows.Next() {
		l, err := scanLetter(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("store: letters: %w", err)
		}
		out = append(out, l)
	}
	return out, total, rows.Err()
}

// AddLetterMessage adds a message to a letter's thread and sets its ID.
func (s *Store) AddLetterMessage(ctx context.Context, m *model.LetterMessage) error {
	err := s.InTx(ctx, func(ctx context.Context) error {
		return s.writer(ctx).QueryRowContext(ctx, `INSERT INTO letter_messages (letter_id, kind, user_id, body, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, m.LetterID, m.Kind, nullID(m.UserID), m.Body, ts(m.CreatedAt)).Scan(&m.ID)
	})
	if err != nil {
		return fmt.Errorf("store: add to letter %d: %w", m.LetterID, err)
	}
	return nil
}

// LetterMessages returns a letter's thread, oldest first; notes only when
// withNotes.
func (s *Store) LetterMessages(ctx context.Context, letterID int64, withNotes bool) ([]model.LetterMessage, error) {
	q := `SELECT m.id, m.letter_id, m.kind, COALESCE(m.user_id, 0), COALESCE(u.name, ''), m.body, m.created_at
		FROM letter_messages m LEFT JOIN users u ON u.id = m.user_id WHERE m.letter_id = $1`
	if !withNotes {
		q += ` AND m.kind <> 'note'`
	}
	rows, err := s.reader(ctx).QueryContext(ctx, q+` ORDER BY m.created_at, m.id`, letterID)
	if err != nil {
		return nil, fmt.Errorf("store: thread of letter %d: %w", letterID, err)
	}
	defer rows.Close()
	var out []model.LetterMessage
	for rows.Next() {
		var m model.LetterMessage
		if err := rows.Scan(&m.ID, &m.LetterID, &m.Kind, &m.UserID, &m.UserName, &m.Body, &m.CreatedAt); err != nil {
			return nil, fmt.Errorf("store: thread of letter %d: %w", letterID, err)
		}
		m.CreatedAt = m.CreatedAt.UTC()
		out = append(out, m)
	}
	return out, rows.Err()
}

// EraseLetter erases what a writer wrote: the letter's text, title, name
// and e-mail and their follow-ups, keeping the advisors' replies and notes.
func (s *Store) EraseLetter(ctx context.Context, id int64, at time.Time) error {
	err := s.InTx(ctx, func(ctx context.Context) error {
		q := s.writer(ctx)
		if _, err := q.ExecContext(ctx, `UPDATE letters SET title = '', body = '', writer_name = '', writer_email = '',
			notify_comments = FALSE, risk_why = '', status = 'withdrawn', withdrawn_at = $1, updated_at = $1 WHERE id = $2`, ts(at), id); err != nil {
			return err
		}
		_, err := q.ExecContext(ctx, `DELETE FROM letter_messages WHERE letter_id = $1 AND kind = 'followup'`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: erase letter %d: %w", id, err)
	}
	return nil
}

// SetLetterMessageBody rewrites one message of a thread (erasure takes the
// writer's words out of the replies that quoted them).
func (s *Store) SetLetterMessageBody(ctx context.Context, id int64, body string) error {
	err := s.InTx(ctx, func(ctx context.Context) error {
		return oneRow(s.writer(ctx).ExecContext(ctx, `UPDATE letter_messages SET body = $1 WHERE id = $2`, body, id))
	})
	if err != nil {
		return fmt.Errorf("store: rewrite message %d: %w", id, err)
	}
	return nil
}

// LettersByEmail returns the letters a writer's address sent (not
// withdrawn), newest first, at most limit.
func (s *Store) LettersByEmail(ctx context.Context, email string, limit int) ([]model.Letter, error) {
	rows, err := s.reader(ctx).QueryContext(ctx, letterColumns+` WHERE l.writer_email = $1 AND l.writer_email <> ''
		ORDER BY l.created_at DESC LIMIT $2`, email, limit)
	if err != nil {
		return nil, fmt.Errorf("store: letters of an address: %w", err)
	}
	defer rows.Close()
	var out []model.Letter
	for rows.Next() {
		l, err := scanLetter(rows)
		if err != nil {
			return nil, fmt.Errorf("store: letters of an address: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// ReplyWaits returns how long each letter sent since a time waited for its
// first reply (letters still waiting are left out).
func (s *Store) ReplyWaits(ctx context.Context, since time.Time) ([]time.Duration, error) {
	rows, err := s.reader(ctx).QueryContext(ctx, `SELECT created_at, first_reply_at FROM letters
		WHERE created_at >= $1 AND first_reply_at IS NOT NULL`, ts(since))
	if err != nil {
		return nil, fmt.Errorf("store: reply times: %w", err)
	}
	defer rows.Close()
	var out []time.Duration
	for rows.Next() {
		var a, b time.Time
		if err := rows.Scan(&a, &b); err != nil {
			return nil, fmt.Errorf("store: reply times: %w", err)
		}
		out = append(out, b.Sub(a))
	}
	return out, rows.Err()
}

// LetterDraft returns a letter's draft reply; a letter without one has an
// empty draft of version 0.
func (s *Store) LetterDraft(ctx context.Context, letterID int64) (*model.LetterDraft, error) {
	d := &model.LetterDraft{LetterID: letterID}
	err := s.reader(ctx).QueryRowContext(ctx, `SELECT d.body, d.version, COALESCE(d.user_id, 0), COALESCE(u.name, ''), d.updated_at
		FROM letter_drafts d LEFT JOIN users u ON u.id = d.user_id WHERE d.letter_id = $1`, letterID).
		Scan(&d.Body, &d.Version, &d.UserID, &d.UserName, &d.UpdatedAt)
	if err == sql.ErrNoRows {
		return d, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: draft of letter %d: %w", letterID, err)
	}
	d.UpdatedAt = d.UpdatedAt.UTC()
	return d, nil
}

// SaveLetterDraft stores a draft made from version base; saved is false,
// and nothing changes, when the stored draft has moved on since base.
func (s *Store) SaveLetterDraft(ctx context.Context, d *model.LetterDraft, base int64) (saved bool, err error) {
	err = s.InTx(ctx, func(ctx context.Context) error {
		q := s.writer(ctx)
		var res sql.Result
		if base == 0 {
			res, err = q.ExecContext(ctx, `INSERT INTO letter_drafts (letter_id, body, version, user_id, updated_at)
				VALUES ($1, $2, 1, $3, $4) ON CONFLICT (letter_id) DO NOTHING`, d.LetterID, d.Body, nullID(d.UserID), ts(d.UpdatedAt))
		} else {
			res, err = q.ExecContext(ctx, `UPDATE letter_drafts SET body = $1, version = version + 1, user_id = $2,
				updated_at = $3 WHERE letter_id = $4 AND version = $5`, d.Body, nullID(d.UserID), ts(d.UpdatedAt), d.LetterID, base)
		}
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		saved = n == 1
		if saved {
			d.Version = base + 1
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("store: save draft of letter %d: %w", d.LetterID, err)
	}
	return saved, nil
}

// DeleteLetterDraft removes a letter's draft (its reply was sent).
func (s *Store) DeleteLetterDraft(ctx context.Context, letterID int64) error {
	err := s.InTx(ctx, func(ctx context.Context) error {
		_, err := s.writer(ctx).ExecContext(ctx, `DELETE FROM letter_drafts WHERE letter_id = $1`, letterID)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: delete draft of letter %d: %w", letterID, err)
	}
	return nil
}

// OldestWaiting returns the letter waiting longest for an advisor (new,
// assigned or being drafted), or nil.
func (s *Store) OldestWaiting(ctx context.Context) (*model.Letter, error) {
	l, err := scanLetter(s.reader(ctx).QueryRowContext(ctx, letterColumns+
		` WHERE l.status IN ('new', 'assigned', 'drafting') ORDER BY l.created_at, l.id LIMIT 1`))
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: oldest waiting letter: %w", err)
	}
	return &l, nil
}

// maxLetterMatches is where counting a search's matches stops.
const maxLetterMatches = 1000

// SearchLetters returns a page of the letters matching q (title, letter,
// writer's name), in any state, newest first, and how many match (counted
// up to maxLetterMatches).
func (s *Store) SearchLetters(ctx context.Context, q search.Query, limit, offset int) ([]model.Letter, int, error) {
	if q.Empty() {
		return nil, 0, nil
	}
	var match string
	var args []any
	if s.db.Dialect == database.SQLite {
		match, args = `SELECT rowid AS id FROM letters_fts WHERE letters_fts MATCH $1`, []any{fts5Query(q)}
	} else {
		var tsq string
		tsq, args = tsQuery(q, 1)
		match = `SELECT id FROM letters WHERE search @@ ` + tsq
	}
	n := len(args)
	var out []model.Letter
	var total int
	err := s.searchTx(ctx, func(ctx context.Context) error {
		if err := s.reader(ctx).QueryRowContext(ctx, `SELECT count(*) FROM (`+match+fmt.Sprintf(` LIMIT $%d) AS q`, n+1),
			append(args, maxLetterMatches)...).Scan(&total); err != nil {
			return err
		}
		// Ids grow with time: the newest letters first, read from the
		// matches in id order without sorting them all by date.
		rows, err := s.reader(ctx).QueryContext(ctx, letterColumns+` WHERE l.id IN (SELECT id FROM (`+match+
			fmt.Sprintf(` ORDER BY id DESC LIMIT $%d OFFSET $%d) AS m) ORDER BY l.id DESC`, n+1, n+2),
			append(args, limit, offset)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			l, err := scanLetter(rows)
			if err != nil {
				return err
			}
			out = append(out, l)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, fmt.Errorf("store: search letters: %w", overBudget(err))
	}
	return out, total, nil
}
