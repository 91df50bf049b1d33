// Command confide runs a Confide peer-support site. See README.md and
// DESIGN.md for the commands; `confide help` lists them.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/confide/confide/internal/app"
	"github.com/confide/confide/internal/config"
	"github.com/confide/confide/internal/demo"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `confide runs a peer-support site.

Usage:
  confide demo [--addr A] [--db URL]   serve a demo site with sample content (./confide-demo.db)
  confide serve [flags]                serve the site
  confide migrate [--db URL]           apply pending database migrations and exit
  confide version                      print version and build information

Run 'confide COMMAND -h' for a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is main without the process: it returns the exit status. 2 means the
// command line, the configuration or the database was wrong.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, rest := args[0], args[1:]
	fail := func(err error) int {
		fmt.Fprintf(stderr, "confide %s: %s\n", cmd, oneLine(err))
		var dbErr *app.DatabaseError
		if errors.As(err, &dbErr) {
			return 2
		}
		return 1
	}
	load := func(fields config.Fields, dbDefault string) (config.Config, bool, int) {
		cfg, extra, err := config.Load(cmd, rest, getenv, fields, dbDefault, stderr)
		if errors.Is(err, config.ErrHelp) {
			return cfg, false, 0
		}
		if err == nil && len(extra) > 0 {
			err = fmt.Errorf("unexpected argument %q", extra[0])
		}
		if err != nil {
			fmt.Fprintf(stderr, "confide %s: %v\n", cmd, err)
			return cfg, false, 2
		}
		return cfg, true, 0
	}
	switch cmd {
	case "serve", "demo":
		fields := config.WithAddr | config.WithDB | config.WithBaseURL | config.WithLog
		dbDefault := config.DefaultDB
		if cmd == "serve" {
			fields |= config.WithMail
		} else {
			dbDefault = config.DemoDB
		}
		cfg, ok, code := load(fields, dbDefault)
		if !ok {
			return code
		}
		if err := serve(ctx, cmd == "demo", cfg, stdout, stderr); err != nil {
			return fail(err)
		}
		return 0
	case "migrate":
		cfg, ok, code := load(config.WithDB|config.WithLog, config.DefaultDB)
		if !ok {
			return code
		}
		cfg.BaseURL = "http://localhost"
		a, err := app.Open(ctx, cfg, logger(stderr, cfg.LogLevel))
		if err != nil {
			return fail(err)
		}
		a.Close()
		fmt.Fprintln(stdout, "database is up to date")
		return 0
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, versionString())
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "confide: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
}

// memoryLimit is the soft limit for the Go heap (GOMEMLIMIT overrides it):
// the garbage collector works harder near it instead of letting the heap
// double, which keeps a server with a full page cache well under 150 MB.
const memoryLimit = 100 << 20

func serve(ctx context.Context, isDemo bool, cfg config.Config, stdout, stderr io.Writer) error {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	log := logger(stderr, cfg.LogLevel)
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	if isDemo {
		seed, err := demo.Content(time.Now().UTC())
		if err != nil {
			return err
		}
		loaded, err := a.Service.SeedIfEmpty(ctx, seed)
		if err != nil {
			return fmt.Errorf("load demo content: %w", err)
		}
		if loaded {
			fmt.Fprintf(stdout, "Demo content written to %s\n", a.DB.Redacted())
		}
	}
	return a.Serve(ctx, cfg.Addr, func(addr net.Addr) {
		fmt.Fprintf(stdout, "Confide %s is serving %s at http://%s/ (Ctrl-C to stop)\n", version, a.DB.Redacted(), addr)
	})
}

// oneLine folds a multi-line error (pgx lists every address it tried) into
// the single line operators and scripts expect.
func oneLine(err error) string {
	lines := strings.Split(strings.TrimSpace(err.Error()), "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return strings.Join(lines, " ")
}

func logger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

func versionString() string {
	s := "confide " + version + " (" + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH
	if bi, ok := debug.ReadBuildInfo(); ok {
		var rev, when, dirty string
		for _, kv := range bi.Settings {
			switch kv.Key {
			case "vcs.revision":
				rev = kv.Value
			case "vcs.time":
				when = kv.Value
			case "vcs.modified":
				if kv.Value == "true" {
					dirty = "+changes"
				}
			}
		}
		if rev != "" {
			if len(rev) > 12 {
				rev = rev[:12]
			}
			s += ", commit " + rev + dirty
		}
		if when != "" {
			s += ", " + when
		}
	}
	return s + ")"
}
