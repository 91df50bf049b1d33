package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/confide/confide/internal/config"
	"github.com/confide/confide/internal/database"
)

// backup is `confide backup FILE`. The copy holds no secret key: restoring
// is starting the site on the copy with the same key (the .key file beside
// the database, or --secret-key-file), kept apart from backups so that a
// stolen backup opens nothing.
func backup(ctx context.Context, cfg config.Config, file string, stdout io.Writer) error {
	octx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	db, err := database.Open(octx, cfg.DB)
	if err != nil {
		return usageError{err}
	}
	defer db.Close()
	start := time.Now()
	err = db.Backup(ctx, file)
	if errors.Is(err, database.ErrBackupPostgres) {
		return usageError{fmt.Errorf("%w, for example: pg_dump --format=custom --file=%s '%s' (restore with pg_restore --dbname=…)",
			err, file, db.Redacted())}
	}
	if err != nil {
		return err
	}
	st, err := os.Stat(file) // #nosec G703 -- the file the operator named on the command line
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Backed up to %s (%d MB, checked) in %s.\n", file, st.Size()>>20, time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(stdout, "To restore: stop the site, then start it with --db sqlite:%s and the same secret key (keep the key apart from backups).\n", file)
	return nil
}
