package config

import (
	"io"
	"log/slog"
	"net/netip"
	"reflect"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

const all = WithAddr | WithDB | WithMail | WithLog | WithBaseURL

func TestLoadPrecedence(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		env     map[string]string
		want    Config
		wantErr string
	}{
		{name: "defaults", want: Config{Addr: DefaultAddr, DB: DefaultDB, BaseURL: "http://" + DefaultAddr, LogLevel: slog.LevelInfo}},
		{name: "env", env: map[string]string{"CONFIDE_ADDR": "0.0.0.0:9000", "CONFIDE_DB": "postgres://u@h/db", "CONFIDE_LOG_LEVEL": "debug"},
			want: Config{Addr: "0.0.0.0:9000", DB: "postgres://u@h/db", BaseURL: "http://0.0.0.0:9000", LogLevel: slog.LevelDebug}},
		{name: "flags win over env", args: []string{"--addr", "127.0.0.1:1", "--base-url", "https://example.org"},
			env:  map[string]string{"CONFIDE_ADDR": "0.0.0.0:9000", "CONFIDE_BASE_URL": "https://other.example"},
			want: Config{Addr: "127.0.0.1:1", DB: DefaultDB, BaseURL: "https://example.org", LogLevel: slog.LevelInfo}},
		{name: "mail", args: []string{"--smtp", "smtps://a:b@mail.example:465", "--imap", "imaps://a:b@mail.example:993/INBOX"},
			want: Config{Addr: DefaultAddr, DB: DefaultDB, BaseURL: "http://" + DefaultAddr, SMTP: "smtps://a:b@mail.example:465",
				IMAP: "imaps://a:b@mail.example:993/INBOX", LogLevel: slog.LevelInfo}},
		{name: "json logs", args: []string{"--log-format", "json"},
			want: Config{Addr: DefaultAddr, DB: DefaultDB, BaseURL: "http://" + DefaultAddr, LogLevel: slog.LevelInfo, LogJSON: true}},
		{name: "trusted proxies", args: []string{"--trusted-proxies", "10.0.0.0/8, 192.168.1.7,::1, 2001:db8::/32"},
			want: Config{Addr: DefaultAddr, DB: DefaultDB, BaseURL: "http://" + DefaultAddr, LogLevel: slog.LevelInfo,
				TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.168.1.7/32"),
					netip.MustParsePrefix("::1/128"), netip.MustParsePrefix("2001:db8::/32")}}},
		{name: "trusted proxies from env", env: map[string]string{"CONFIDE_TRUSTED_PROXIES": "10.1.2.3/8"},
			want: Config{Addr: DefaultAddr, DB: DefaultDB, BaseURL: "http://" + DefaultAddr, LogLevel: slog.LevelInfo,
				TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}},
		{name: "bad trusted proxy", args: []string{"--trusted-proxies", "10.0.0.0/8,proxy.internal"}, wantErr: `--trusted-proxies: "proxy.internal" is not an address`},
		{name: "bad trusted range", args: []string{"--trusted-proxies", "10.0.0.0/40"}, wantErr: `--trusted-proxies: "10.0.0.0/40"`},
		{name: "bad addr", args: []string{"--addr", "8080"}, wantErr: `--addr "8080": want host:port`},
		{name: "bad port", args: []string{"--addr", "x:99999"}, wantErr: "port must be a number"},
		{name: "bad db", args: []string{"--db", "mysql://root:secret@h/x"}, wantErr: `want sqlite:PATH or postgres://`},
		{name: "password not echoed", args: []string{"--db", "mysql://root:secret@h/x"}, wantErr: "xxxxx"},
		{name: "empty sqlite path", args: []string{"--db", "sqlite:"}, wantErr: "needs a file path"},
		{name: "bad base url", args: []string{"--base-url", "example.org"}, wantErr: "absolute http"},
		{name: "bad smtp", args: []string{"--smtp", "http://x"}, wantErr: "--smtp"},
		{name: "bad log level", args: []string{"--log-level", "loud"}, wantErr: "--log-level"},
		{name: "bad log format", args: []string{"--log-format", "xml"}, wantErr: `--log-format "xml": want text or json`},
		{name: "unknown flag", args: []string{"--nope"}, wantErr: "flag provided but not defined: -nope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _, err := Load("serve", tc.args, env(tc.env), all, DefaultDB, io.Discard)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "secret") {
					t.Fatalf("error shows the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestLoadOnlyNamedFields(t *testing.T) {
	_, _, err := Load("migrate", []string{"--addr", "x:1"}, env(nil), WithDB, DefaultDB, io.Discard)
	if err == nil {
		t.Fatal("migrate must not take --addr")
	}
	c, _, err := Load("demo", nil, env(nil), WithAddr|WithDB|WithBaseURL, DemoDB, io.Discard)
	if err != nil || c.DB != DemoDB {
		t.Fatalf("demo default db: %+v %v", c, err)
	}
}
