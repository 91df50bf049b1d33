package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/confide/confide/internal/app"
	"github.com/confide/confide/internal/config"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
	"github.com/confide/confide/internal/wxr"
)

// importWordPress is `confide import wordpress FILE`.
func importWordPress(ctx context.Context, cfg config.Config, file string, stdout, stderr io.Writer) error {
	if st, err := os.Stat(file); err != nil { // #nosec G703 -- the file the operator named on the command line
		return usageError{fmt.Errorf("%s: %w", file, errorOf(err))}
	} else if st.IsDir() {
		return usageError{fmt.Errorf("%s is a folder: give the export file (FILE.xml or FILE.xml.gz)", file)}
	}
	limit := int64(cfg.ImportMaxMB) << 20
	cfg.BaseURL = "http://localhost"
	a, err := app.Open(ctx, cfg, logger(stderr, cfg))
	if err != nil {
		return err
	}
	defer a.Close()
	term := isTerminal(stderr)
	start := time.Now()
	if term {
		fmt.Fprintf(stderr, "import: checking %s…", file)
	}
	rep, err := a.Service.ImportWordPress(ctx, service.ImportSource{
		Name: file,
		Open: func() (io.ReadCloser, error) { return wxr.Open(file, limit) },
	}, func(done, total int) {
		if term {
			fmt.Fprintf(stderr, "\r%s", progressBar("import", done, total, time.Since(start)))
		}
	})
	if term {
		fmt.Fprintln(stderr)
	}
	if model.ErrorCode(err) == model.EINVALID {
		id, args := model.ErrorMessage(err)
		return errors.New(model.Describe(id, args)) // the file's fault, said once
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, importSummary(rep, time.Since(start)))
	return nil
}

// errorOf drops the path an *os.PathError repeats.
func errorOf(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// progressBar is one line that rewrites itself on a terminal.
func progressBar(what string, done, total int, took time.Duration) string {
	const width = 30
	filled := width
	if total > 0 {
		filled = done * width / total
	}
	return fmt.Sprintf("%s: [%s%s] %d/%d posts (%s)", what, strings.Repeat("#", filled), strings.Repeat(".", width-filled),
		done, total, took.Round(time.Second))
}

// importSummary says what an import did, in a few lines.
func importSummary(rep *service.ImportReport, took time.Duration) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Imported from %s in %s (import %d): %s, %s, %s.", rep.Source, took.Round(time.Millisecond), rep.ID,
		count(rep.Sections, "new section", "new sections"), count(rep.Stories, "story", "stories"), count(rep.Comments, "comment", "comments"))
	if rep.Unsplit > 0 {
		fmt.Fprintf(&b, "\n%s showed no division between letter and reply: all of the post is the reply; divide it in the story editor.",
			count(rep.Unsplit, "story", "stories"))
	}
	if rep.Existing > 0 {
		fmt.Fprintf(&b, "\n%s had been imported before and stayed as they are (only their new comments were added).", count(rep.Existing, "post", "posts"))
	}
	if len(rep.Skipped) > 0 {
		var kinds []string
		for k := range rep.Skipped {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		var parts []string
		for _, k := range kinds {
			parts = append(parts, service.SkipLabel(k, rep.Skipped[k]))
		}
		fmt.Fprintf(&b, "\nLeft out: %s.", strings.Join(parts, ", "))
	}
	return b.String()
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
