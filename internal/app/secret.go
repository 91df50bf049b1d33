package app

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// SecretKey returns the site's secret key: read from file when one is
// given; on SQLite, from a file beside the database, made on first start
// and readable by its owner only; on PostgreSQL without a file, none (the
// features that need it say so). The key never enters the database, so a
// stolen copy of the database cannot reverse the address hashes.
func SecretKey(file, dbURL string) ([]byte, error) {
	if file == "" {
		path, ok := strings.CutPrefix(dbURL, "sqlite:")
		if !ok || path == "" || strings.HasPrefix(path, ":memory:") || strings.Contains(path, "mode=memory") {
			return nil, nil
		}
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		file = path + ".key"
		if _, err := os.Stat(file); errors.Is(err, fs.ErrNotExist) {
			b := make([]byte, 32)
			rand.Read(b)
			if err := os.WriteFile(file, []byte(hex.EncodeToString(b)+"\n"), 0o600); err != nil {
				return nil, fmt.Errorf("secret key: make %s: %w", file, err)
			}
		}
	}
	raw, err := os.ReadFile(file) // #nosec G304 -- the key file the operator named with --secret-key-file
	if err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	key := []byte(strings.TrimSpace(string(raw)))
	if len(key) < 32 {
		return nil, fmt.Errorf("secret key: %s holds %d characters; it needs at least 32 (for example: openssl rand -hex 32 > %s)", file, len(key), file)
	}
	return key, nil
}
