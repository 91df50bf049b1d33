// Package config reads Confide's settings from flags and their environment
// twins (flags win) and checks them. It keeps no globals: Load returns a
// value that the caller passes on.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// Config is everything a subcommand may need.
type Config struct {
	Addr     string
	DB       string
	BaseURL  string
	SMTP     string
	IMAP     string
	LogLevel slog.Level
	LogJSON  bool // --log-format json
	// MetricsAddr is where /metrics listens (host:port); empty: off. Never
	// the public address.
	MetricsAddr string
	// TLSCert and TLSKey serve HTTPS directly (the one-server case);
	// HTTPRedirectAddr, with them, is a plain HTTP listener that only
	// redirects to HTTPS.
	TLSCert, TLSKey  string
	HTTPRedirectAddr string
	// TrustedProxies are the proxies and load balancers whose
	// X-Forwarded-For is believed; none by default.
	TrustedProxies []netip.Prefix
	// SecretKeyFile holds the key of address hashes and signed forms.
	SecretKeyFile string

	// For `confide user add`.
	UserEmail, UserName, UserRole string

	// ImportMaxMB bounds the XML an import reads (a .gz file unpacked).
	ImportMaxMB int
}

// Defaults of the contract in DESIGN.md.
const (
	DefaultAddr   = "127.0.0.1:8080"
	DefaultDB     = "sqlite:./confide.db"
	DemoDB        = "sqlite:./confide-demo.db"
	defaultLogLvl = "info"
)

// Which settings a subcommand takes.
type Fields uint8

// The settings, to combine with |.
const (
	WithAddr Fields = 1 << iota
	WithDB
	WithMail
	WithLog
	WithBaseURL
	WithUser
	WithImport
)

// DefaultImportMaxMB is the largest export `confide import` reads unless
// told otherwise: far above a big site's (a site of 5,000 posts and
// 100,000 comments exports about 60 MB).
const DefaultImportMaxMB = 2048

// ErrHelp is returned when -h or --help was asked for; usage was printed.
var ErrHelp = flag.ErrHelp

// Load parses args (the subcommand's own, without its name) with getenv for
// the environment. dbDefault is the database used when neither --db nor
// CONFIDE_DB is set. Usage and errors go to out.
func Load(cmd string, args []string, getenv func(string) string, fields Fields, dbDefault string, out io.Writer) (Config, []string, error) {
	fs := flag.NewFlagSet("confide "+cmd, flag.ContinueOnError)
	// The flag package would print its own message and the whole usage on an
	// error; the caller prints one line instead, and usage only for -h.
	fs.SetOutput(io.Discard)
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	var c Config
	var level, logFormat, proxies string
	if fields&WithAddr != 0 {
		fs.StringVar(&c.Addr, "addr", env("CONFIDE_ADDR", DefaultAddr), "address to listen on, host:port (CONFIDE_ADDR)")
		fs.StringVar(&c.TLSCert, "tls-cert", env("CONFIDE_TLS_CERT", ""), "certificate file (PEM, with its chain) to serve HTTPS on --addr (CONFIDE_TLS_CERT)")
		fs.StringVar(&c.TLSKey, "tls-key", env("CONFIDE_TLS_KEY", ""), "the certificate's private key file (PEM) (CONFIDE_TLS_KEY)")
		fs.StringVar(&c.HTTPRedirectAddr, "http-redirect-addr", env("CONFIDE_HTTP_REDIRECT_ADDR", ""),
			"with --tls-cert: a plain HTTP address, such as :80, that only redirects to HTTPS (CONFIDE_HTTP_REDIRECT_ADDR)")
		fs.StringVar(&c.MetricsAddr, "metrics-addr", env("CONFIDE_METRICS_ADDR", ""), "address of /metrics for Prometheus, host:port, apart from the site's; off when empty (CONFIDE_METRICS_ADDR)")
		fs.StringVar(&c.SecretKeyFile, "secret-key-file", env("CONFIDE_SECRET_KEY_FILE", ""),
			"file holding the site's secret key, never stored in the database (CONFIDE_SECRET_KEY_FILE; SQLite default: made beside the database; PostgreSQL: required for comments)")
		fs.StringVar(&proxies, "trusted-proxies", env("CONFIDE_TRUSTED_PROXIES", ""),
			"comma-separated addresses or CIDR ranges of the proxies whose X-Forwarded-For is believed (CONFIDE_TRUSTED_PROXIES; default none)")
	}
	if fields&WithDB != 0 {
		fs.StringVar(&c.DB, "db", env("CONFIDE_DB", dbDefault), "database: sqlite:PATH or postgres://… (CONFIDE_DB)")
	}
	if fields&WithBaseURL != 0 {
		fs.StringVar(&c.BaseURL, "base-url", env("CONFIDE_BASE_URL", ""), "public URL of the site, for e-mails, feeds and the sitemap (CONFIDE_BASE_URL; default http://ADDR)")
	}
	if fields&WithMail != 0 {
		fs.StringVar(&c.SMTP, "smtp", env("CONFIDE_SMTP", ""), "SMTP server for outgoing mail, smtp://user:pass@host:port or smtps://… (CONFIDE_SMTP)")
		fs.StringVar(&c.IMAP, "imap", env("CONFIDE_IMAP", ""), "IMAP mailbox to read letters from, imaps://user:pass@host:port/INBOX (CONFIDE_IMAP)")
	}
	if fields&WithUser != 0 {
		fs.StringVar(&c.UserEmail, "email", "", "the account's e-mail address (required)")
		fs.StringVar(&c.UserName, "name", "", "the account's display name (required)")
		fs.StringVar(&c.UserRole, "role", "", "admin, advisor or moderator (required)")
	}
	if fields&WithImport != 0 {
		fs.IntVar(&c.ImportMaxMB, "max-size", DefaultImportMaxMB, "the largest export to read, in MB of XML (a .gz file as unpacked)")
	}
	if fields&WithLog != 0 {
		fs.StringVar(&level, "log-level", env("CONFIDE_LOG_LEVEL", defaultLogLvl), "debug, info, warn or error (CONFIDE_LOG_LEVEL)")
		fs.StringVar(&logFormat, "log-format", env("CONFIDE_LOG_FORMAT", "text"), "text or json (CONFIDE_LOG_FORMAT)")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(out, "Usage of confide %s:\n", cmd)
			fs.SetOutput(out)
			fs.PrintDefaults()
			return c, nil, ErrHelp
		}
		return c, nil, fmt.Errorf("%s", strings.TrimSpace(err.Error()))
	}
	if fields&WithLog != 0 {
		if err := c.LogLevel.UnmarshalText([]byte(level)); err != nil {
			return c, nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", level)
		}
		switch logFormat {
		case "text":
		case "json":
			c.LogJSON = true
		default:
			return c, nil, fmt.Errorf("--log-format %q: want text or json", logFormat)
		}
	}
	if proxies != "" {
		var err error
		if c.TrustedProxies, err = ParseProxies(proxies); err != nil {
			return c, nil, err
		}
	}
	if fields&WithBaseURL != 0 && c.BaseURL == "" && c.Addr != "" {
		c.BaseURL = "http://" + c.Addr
	}
	if err := c.Validate(fields); err != nil {
		return c, nil, err
	}
	return c, fs.Args(), nil
}

// Validate checks the settings named by fields and says what is wrong with
// the first bad one, in one line.
func (c Config) Validate(fields Fields) error {
	if fields&WithAddr != 0 {
		host, port, err := net.SplitHostPort(c.Addr)
		if err != nil {
			return fmt.Errorf("--addr %q: want host:port, for example 127.0.0.1:8080", c.Addr)
		}
		if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
			return fmt.Errorf("--addr %q: port must be a number from 0 to 65535", c.Addr)
		}
		_ = host // empty means every interface, which is allowed
		if (c.TLSCert == "") != (c.TLSKey == "") {
			return fmt.Errorf("--tls-cert and --tls-key go together: give both or neither")
		}
		if c.HTTPRedirectAddr != "" {
			if c.TLSCert == "" {
				return fmt.Errorf("--http-redirect-addr redirects to HTTPS: it needs --tls-cert and --tls-key")
			}
			if _, _, err := net.SplitHostPort(c.HTTPRedirectAddr); err != nil {
				return fmt.Errorf("--http-redirect-addr %q: want host:port, for example :80", c.HTTPRedirectAddr)
			}
		}
		if c.MetricsAddr != "" {
			if _, mport, err := net.SplitHostPort(c.MetricsAddr); err != nil {
				return fmt.Errorf("--metrics-addr %q: want host:port, for example 127.0.0.1:9090", c.MetricsAddr)
			} else if c.MetricsAddr == c.Addr && mport != "0" {
				return fmt.Errorf("--metrics-addr %q: not the site's own address (metrics are never public)", c.MetricsAddr)
			}
		}
	}
	if fields&WithDB != 0 {
		switch {
		case strings.HasPrefix(c.DB, "sqlite:"):
			if strings.TrimPrefix(c.DB, "sqlite:") == "" {
				return fmt.Errorf("--db %q: sqlite needs a file path, for example sqlite:./confide.db", c.DB)
			}
		case strings.HasPrefix(c.DB, "postgres://"), strings.HasPrefix(c.DB, "postgresql://"):
			if _, err := url.Parse(c.DB); err != nil {
				return fmt.Errorf("--db: not a valid PostgreSQL URL: %v", err)
			}
		default:
			return fmt.Errorf("--db %q: want sqlite:PATH or postgres://user@host:5432/name", redact(c.DB))
		}
	}
	if fields&WithBaseURL != 0 {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("--base-url %q: want an absolute http:// or https:// URL", c.BaseURL)
		}
		if u.RawQuery != "" || u.Fragment != "" {
			return fmt.Errorf("--base-url %q: must not have a query or fragment", c.BaseURL)
		}
	}
	if fields&WithUser != 0 {
		for flagName, v := range map[string]string{"--email": c.UserEmail, "--name": c.UserName, "--role": c.UserRole} {
			if strings.TrimSpace(v) == "" {
				return fmt.Errorf("%s is required", flagName)
			}
		}
	}
	if fields&WithImport != 0 && c.ImportMaxMB < 1 {
		return fmt.Errorf("--max-size %d: want a number of megabytes, 1 or more", c.ImportMaxMB)
	}
	if fields&WithMail != 0 {
		if err := checkMailURL("--smtp", c.SMTP, "smtp", "smtps"); err != nil {
			return err
		}
		if err := checkMailURL("--imap", c.IMAP, "imap", "imaps"); err != nil {
			return err
		}
	}
	return nil
}

// ParseProxies reads a comma-separated list of addresses (10.0.0.5, ::1) and
// CIDR ranges (10.0.0.0/8).
func ParseProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if strings.Contains(item, "/") {
			p, err := netip.ParsePrefix(item)
			if err != nil {
				return nil, fmt.Errorf("--trusted-proxies: %q is not an address or a CIDR range like 10.0.0.0/8", item)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(item)
		if err != nil {
			return nil, fmt.Errorf("--trusted-proxies: %q is not an address or a CIDR range like 10.0.0.0/8", item)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

func checkMailURL(flagName, raw string, schemes ...string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%s: not a valid URL", flagName)
	}
	for _, s := range schemes {
		if u.Scheme == s && u.Host != "" {
			return nil
		}
	}
	return fmt.Errorf("%s %q: want %s://user:password@host:port", flagName, redact(raw), strings.Join(schemes, ":// or "))
}

// redact hides a password in a URL for messages.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
