// Command confide runs a Confide peer-support site. See README.md and
// DESIGN.md for the commands; `confide help` lists them.
package main

import (
	"bufio"
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
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/password"
	"github.com/confide/confide/internal/service"
	"github.com/confide/confide/internal/web"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `confide runs a peer-support site.

Usage:
  confide demo [--addr A] [--db URL]   serve a demo site with sample content (./confide-demo.db)
  confide serve [flags]                serve the site
  confide migrate [--db URL]           apply pending database migrations and exit
  confide backup [--db URL] FILE       copy a SQLite database to FILE while the site serves, and check the copy
  confide export [--db URL] [FILE]     write every published story and comment as JSON (standard output without FILE)
  confide search rebuild [--db URL]    rebuild the search index and every story's related stories
  confide import wordpress [--db URL] FILE.xml[.gz]
                                       import a WordPress export: posts, comments, categories, old links
  confide user add --email E --name N --role admin|advisor|moderator
                                       create an account (password from stdin, or generated)
  confide safety check [FILE]          print each line's crisis tier and why (stdin without FILE)
  confide version                      print version and build information

Run 'confide COMMAND -h' for a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is main without the process: it returns the exit status. 2 means the
// command line, the configuration or the database was wrong.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, rest := args[0], args[1:]
	fail := func(err error) int {
		fmt.Fprintf(stderr, "confide %s: %s\n", cmd, oneLine(err))
		var dbErr *app.DatabaseError
		var ue usageError
		if errors.As(err, &dbErr) || errors.As(err, &ue) {
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
		a, err := app.Open(ctx, cfg, logger(stderr, cfg))
		if err != nil {
			return fail(err)
		}
		a.Close() // #nosec G104 -- closing on the way out: nothing is left to do with an error
		fmt.Fprintln(stdout, "database is up to date")
		return 0
	case "backup":
		cfg, extra, err := config.Load(cmd, rest, getenv, config.WithDB|config.WithLog, config.DefaultDB, stderr)
		if errors.Is(err, config.ErrHelp) {
			return 0
		}
		if err == nil && len(extra) != 1 {
			err = fmt.Errorf("say where to write the copy: confide backup [--db URL] FILE")
		}
		if err != nil {
			fmt.Fprintf(stderr, "confide %s: %v\n", cmd, err)
			return 2
		}
		if err := backup(ctx, cfg, extra[0], stdout); err != nil {
			return fail(err)
		}
		return 0
	case "export":
		cfg, extra, err := config.Load(cmd, rest, getenv, config.WithDB|config.WithLog, config.DefaultDB, stderr)
		if errors.Is(err, config.ErrHelp) {
			return 0
		}
		if err == nil && len(extra) > 1 {
			err = fmt.Errorf("one file at most: confide export [--db URL] [FILE]")
		}
		if err != nil {
			fmt.Fprintf(stderr, "confide %s: %v\n", cmd, err)
			return 2
		}
		file := ""
		if len(extra) == 1 {
			file = extra[0]
		}
		if err := exportContent(ctx, cfg, file, stdout, stderr); err != nil {
			return fail(err)
		}
		return 0
	case "search":
		if len(rest) == 0 || rest[0] != "rebuild" {
			fmt.Fprintln(stderr, "confide search: want 'confide search rebuild [--db URL]'")
			return 2
		}
		cmd, rest = "search rebuild", rest[1:]
		cfg, ok, code := load(config.WithDB|config.WithLog, config.DefaultDB)
		if !ok {
			return code
		}
		if err := rebuildSearch(ctx, cfg, stdout, stderr); err != nil {
			return fail(err)
		}
		return 0
	case "import":
		if len(rest) == 0 || rest[0] != "wordpress" {
			fmt.Fprintln(stderr, "confide import: want 'confide import wordpress [--db URL] FILE.xml[.gz]'")
			return 2
		}
		cmd, rest = "import wordpress", rest[1:]
		cfg, extra, err := config.Load(cmd, rest, getenv, config.WithDB|config.WithLog|config.WithImport, config.DefaultDB, stderr)
		if errors.Is(err, config.ErrHelp) {
			return 0
		}
		if err == nil && len(extra) != 1 {
			err = fmt.Errorf("say which export to import: confide import wordpress [--db URL] [--max-size MB] FILE.xml[.gz]")
		}
		if err != nil {
			fmt.Fprintf(stderr, "confide %s: %v\n", cmd, err)
			return 2
		}
		if err := importWordPress(ctx, cfg, extra[0], stdout, stderr); err != nil {
			return fail(err)
		}
		return 0
	case "user":
		if len(rest) == 0 || rest[0] != "add" {
			fmt.Fprintln(stderr, "confide user: want 'confide user add --email E --name N --role admin|advisor|moderator'")
			return 2
		}
		cmd, rest = "user add", rest[1:]
		cfg, extra, err := config.Load(cmd, rest, getenv, config.WithDB|config.WithLog|config.WithUser, config.DefaultDB, stderr)
		if errors.Is(err, config.ErrHelp) {
			return 0
		}
		if err == nil && len(extra) > 0 {
			err = fmt.Errorf("unexpected argument %q", extra[0])
		}
		if err != nil {
			fmt.Fprintf(stderr, "confide %s: %v\n", cmd, err)
			return 2
		}
		if err := addUser(ctx, cfg, stdin, stdout, stderr); err != nil {
			return fail(err)
		}
		return 0
	case "safety":
		if len(rest) == 0 || rest[0] != "check" {
			fmt.Fprintln(stderr, "confide safety: want 'confide safety check [--lists FILE] [FILE]'")
			return 2
		}
		return safetyCheck(rest[1:], stdin, stdout, stderr)
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
// double. It leaves room above a full page cache (web.DefaultCacheBytes)
// and the rest of the live heap (about 40 MiB): at 100 MiB, 60 of them
// cached pages, the collector ran without pause under load and story pages
// were served at half the rate (19,500 against 35,000 a second at 5,000
// pages in rotation). With this limit a busy server peaks at about 175 MB.
const memoryLimit = web.DefaultCacheBytes + 90<<20

func serve(ctx context.Context, isDemo bool, cfg config.Config, stdout, stderr io.Writer) error {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	log := logger(stderr, cfg)
	// The key is read first: a wrong file stops the start before anything
	// touches the database.
	key, err := app.SecretKey(cfg.SecretKeyFile, cfg.DB)
	if err != nil {
		return usageError{err}
	}
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.UseSecret(ctx, key); err != nil {
		return err
	}
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
			// Every story shows the stories like it from the first view.
			if err := a.Service.MakeAllRelated(ctx, nil); err != nil {
				return fmt.Errorf("demo related stories: %w", err)
			}
			fmt.Fprintf(stdout, "Demo content written to %s\n", a.DB.Redacted())
			if err := a.Service.DemoWithoutTwoFactor(ctx); err != nil {
				return err
			}
		}
		pw, err := a.Service.DemoAdvisor(ctx, demo.AdvisorEmail, demo.Advisor)
		if err != nil {
			return fmt.Errorf("demo advisor account: %w", err)
		}
		fmt.Fprintf(stdout, "Advisor login: %s with password %s (new at every start) at /admin/login\n", demo.AdvisorEmail, pw)
		if site, err := a.Service.SiteSettings(ctx); err == nil && site.TwoFactor == model.TwoFactorOff {
			fmt.Fprintln(stdout, "Two-factor login is not required on this demo site; a real site requires it for every staff account.")
		}
	}
	token, err := a.Service.StartSetup(ctx)
	if err != nil {
		return fmt.Errorf("setup token: %w", err)
	}
	wait, err := a.StartWorkers(ctx, cfg)
	if err != nil {
		return err
	}
	defer wait()
	if cfg.MetricsAddr != "" {
		stopMetrics, err := a.ServeMetrics(ctx, cfg.MetricsAddr, func(addr net.Addr) {
			fmt.Fprintf(stdout, "Metrics at http://%s/metrics\n", addr)
		})
		if err != nil {
			return usageError{err}
		}
		defer stopMetrics()
	}
	if cfg.HTTPRedirectAddr != "" {
		stopRedirect, err := a.ServeRedirect(ctx, cfg.HTTPRedirectAddr, func(addr net.Addr) {
			fmt.Fprintf(stdout, "Redirecting http://%s to HTTPS\n", addr)
		})
		if err != nil {
			return usageError{err}
		}
		defer stopRedirect()
	}
	scheme := "http"
	if cfg.TLSCert != "" {
		scheme = "https"
	}
	return a.ServeTLS(ctx, cfg.Addr, cfg.TLSCert, cfg.TLSKey, func(addr net.Addr) {
		fmt.Fprintf(stdout, "Confide %s is serving %s at %s://%s/ (Ctrl-C to stop)\n", version, a.DB.Redacted(), scheme, addr)
		if token != "" {
			base := cfg.BaseURL
			if strings.HasSuffix(base, ":0") { // --addr with port 0: the real port is known only now
				base = "http://" + addr.String()
			}
			fmt.Fprintf(stdout, "No account exists yet. Create the first administrator at:\n  %s/setup?token=%s\n",
				strings.TrimRight(base, "/"), token)
		}
	})
}

// addUser creates an account. The password is read from standard input when
// something is piped in; otherwise one is generated and printed once.
func addUser(ctx context.Context, cfg config.Config, stdin io.Reader, stdout, stderr io.Writer) error {
	pw, err := readPassword(stdin)
	if err != nil {
		return err
	}
	generated := pw == ""
	if generated {
		if pw, err = password.Generate(); err != nil {
			return err
		}
	}
	cfg.BaseURL = "http://localhost"
	a, err := app.Open(ctx, cfg, logger(stderr, cfg))
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := a.Service.CreateUser(ctx, 0, service.NewUser{Email: cfg.UserEmail, Name: cfg.UserName,
		Role: model.Role(cfg.UserRole), Password: pw})
	if err != nil {
		return usageError{userError(err)}
	}
	fmt.Fprintf(stdout, "Created %s (%s) as %s.\n", u.Name, u.Email, u.Role)
	if generated {
		fmt.Fprintf(stdout, "Password (shown only now): %s\n", pw)
	}
	return nil
}

// readPassword reads the first line of piped input; a terminal or empty
// input gives "".
func readPassword(stdin io.Reader) (string, error) {
	if stdin == nil {
		return "", nil
	}
	if f, ok := stdin.(*os.File); ok {
		st, err := f.Stat()
		if err != nil || st.Mode()&os.ModeCharDevice != 0 {
			return "", nil
		}
	}
	line, err := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// userError turns a validation error into one line naming each bad field.
func userError(err error) error {
	var e *model.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	var parts []string
	for _, k := range []string{"email", "name", "role", "password"} {
		if msg, ok := e.Fields[k]; ok {
			parts = append(parts, "--"+k+": "+model.Describe(msg.ID, msg.Args))
		}
	}
	return errors.New(strings.Join(parts, " "))
}

// usageError marks errors in what the operator typed: exit status 2.
type usageError struct{ error }

// oneLine folds a multi-line error (pgx lists every address it tried) into
// the single line operators and scripts expect.
func oneLine(err error) string {
	lines := strings.Split(strings.TrimSpace(err.Error()), "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return strings.Join(lines, " ")
}

// logger writes text lines, or JSON with --log-format json.
func logger(w io.Writer, cfg config.Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogJSON {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func init() { web.Version = version }

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
