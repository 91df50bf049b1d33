package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/confide/confide/internal/app"
	"github.com/confide/confide/internal/config"
)

// isTerminal reports whether w is a terminal, where a progress line that
// rewrites itself makes sense (not in a log file or a pipe).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// exportContent is `confide export [FILE]`: the public content as JSON, to
// FILE (never over an existing one) or standard output.
func exportContent(ctx context.Context, cfg config.Config, file string, stdout, stderr io.Writer) error {
	cfg.BaseURL = "http://localhost"
	a, err := app.Open(ctx, cfg, logger(stderr, cfg))
	if err != nil {
		return err
	}
	defer a.Close()
	out := stdout
	var f *os.File
	if file != "" && file != "-" {
		if f, err = os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600); err != nil { // #nosec G304 G703 -- the file the operator named on the command line
			return usageError{fmt.Errorf("%w (an export never overwrites a file)", err)}
		}
		out = f
	}
	bw := bufio.NewWriterSize(out, 1<<16)
	term := isTerminal(stderr)
	err = a.Service.Export(ctx, bw, func(stories, comments int) {
		if term {
			fmt.Fprintf(stderr, "\rexport: %d stories, %d comments", stories, comments)
		}
	})
	if err == nil {
		err = bw.Flush()
	}
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(file) // #nosec G104 G703 -- the file the operator named on the command line
		}
	}
	if term {
		fmt.Fprintln(stderr)
	}
	return err
}

// rebuildSearch is `confide search rebuild`.
func rebuildSearch(ctx context.Context, cfg config.Config, stdout, stderr io.Writer) error {
	cfg.BaseURL = "http://localhost"
	a, err := app.Open(ctx, cfg, logger(stderr, cfg))
	if err != nil {
		return err
	}
	defer a.Close()
	start := time.Now()
	term := isTerminal(stderr)
	err = a.Service.RebuildSearch(ctx, func(done, total int) {
		if term && (done%50 == 0 || done == total) {
			fmt.Fprintf(stderr, "\rrelated stories: %d/%d", done, total)
		}
	})
	if term {
		fmt.Fprintln(stderr)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Search index and related stories rebuilt in %s.\n", time.Since(start).Round(time.Second))
	return nil
}
