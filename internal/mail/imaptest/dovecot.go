// Package imaptest starts a real IMAP server for tests: Debian's dovecot,
// on a free loopback port, over TLS with a certificate made for the test,
// with one mailbox user. Tests skip without dovecot, except under CI=1,
// where a missing server is a failure (.ci/run installs dovecot-imapd).
package imaptest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// The mailbox user.
const (
	User     = "letters"
	Password = "secret-pass"
)

// Server is a running dovecot.
type Server struct {
	URL  string      // imaps://letters:…@127.0.0.1:PORT/INBOX
	Addr string      // 127.0.0.1:PORT
	TLS  *tls.Config // trusts the test's certificate
	dir  string
}

// Start starts dovecot for the test and stops it when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := exec.LookPath("dovecot")
	if err != nil {
		for _, p := range []string{"/usr/sbin/dovecot", "/sbin/dovecot"} {
			if _, serr := os.Stat(p); serr == nil {
				bin, err = p, nil
			}
		}
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("dovecot is not installed (apt-get install dovecot-imapd); CI needs it")
		}
		t.Skip("dovecot is not installed (apt-get install dovecot-imapd): skipping the mailbox test")
	}
	// Not t.TempDir: dovecot's own users must reach the mail directory.
	dir, err := os.MkdirTemp("", "confide-dovecot-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })      // #nosec G104 -- a test helper: its own temporary files and programs
	if err := os.Chmod(dir, 0o755); err != nil { // #nosec G302 -- a test helper: its own temporary files and programs
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "mail"), 0o777); err != nil { // #nosec G301 -- a test helper: its own temporary files and programs
		t.Fatal(err)
	}
	os.Chmod(filepath.Join(dir, "mail"), 0o777) // #nosec G104 G302 -- a test helper: its own temporary files and programs
	roots := writeCert(t, dir)
	port := freePort(t)
	if err := os.WriteFile(filepath.Join(dir, "users"), []byte(User+":{PLAIN}"+Password+"\n"), 0o644); err != nil { // #nosec G306 -- a test helper: its own temporary files and programs
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "dovecot.conf")
	if err := os.WriteFile(conf, []byte(config(t, dir, port)), 0o644); err != nil { // #nosec G306 -- a test helper: its own temporary files and programs
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-F", "-c", conf) // #nosec G204 -- a test helper: its own temporary files and programs
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start dovecot: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt) // #nosec G104 -- a test helper: its own temporary files and programs
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }() // #nosec G104 -- a test helper: its own temporary files and programs
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill() // #nosec G104 -- a test helper: its own temporary files and programs
			<-done
		}
	})
	s := &Server{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), TLS: &tls.Config{RootCAs: roots, ServerName: "127.0.0.1"}, dir: dir}
	s.URL = fmt.Sprintf("imaps://%s:%s@%s/INBOX", User, Password, s.Addr)
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", s.Addr, time.Second)
		if err == nil {
			c.Close() // #nosec G104 -- a test helper: its own temporary files and programs
			break
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "dovecot.log")) // #nosec G304 -- a test helper: its own temporary files and programs
			t.Fatalf("dovecot did not start: %v\n%s\n%s", err, out.String(), log)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return s
}

// config writes dovecot's settings: imaps on the port only, a passwd-file
// user, maildir under dir. Run as root, dovecot insists its login and mail
// processes are not root, so they run as the users Debian's package made.
func config(t testing.TB, dir string, port int) string {
	loginUser, internalUser, internalGroup, mailUser, mailGroup := "dovenull", "dovecot", "dovecot", "dovecot", "dovecot"
	if os.Getuid() != 0 {
		u, err := user.Current()
		if err != nil {
			t.Fatal(err)
		}
		g, err := user.LookupGroupId(u.Gid)
		if err != nil {
			t.Fatal(err)
		}
		loginUser, internalUser, internalGroup, mailUser, mailGroup = u.Username, u.Username, g.Name, u.Uid, u.Gid
	}
	return fmt.Sprintf(`base_dir = %[1]s/run
state_dir = %[1]s/state
log_path = %[1]s/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <%[1]s/cert.pem
ssl_key = <%[1]s/key.pem
auth_mechanisms = plain login
default_login_user = %[3]s
default_internal_user = %[4]s
default_internal_group = %[5]s
first_valid_uid = 1
mail_location = maildir:%[1]s/mail/%%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%%u %[1]s/users
}
userdb {
  driver = static
  args = uid=%[6]s gid=%[7]s home=%[1]s/mail/%%u
}
service imap-login {
  chroot =
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = %[2]d
  }
}
service anvil {
  chroot =
}
`, dir, port, loginUser, internalUser, internalGroup, mailUser, mailGroup)
}

func freePort(t testing.TB) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// writeCert makes a certificate for 127.0.0.1, writes it and its key for
// dovecot, and returns a pool that trusts it.
func writeCert(t testing.TB, dir string) *x509.CertPool {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cert.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil { // #nosec G306 -- a test helper: its own temporary files and programs
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "key.pem"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return pool
}

// client logs in to the server as the mailbox user.
func (s *Server) client(t testing.TB) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialTLS(s.Addr, &imapclient.Options{TLSConfig: s.TLS})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(User, Password).Wait(); err != nil {
		t.Fatal(err)
	}
	return c
}

// Deliver puts a message into the mailbox, unread, as a mail server would.
func (s *Server) Deliver(t testing.TB, raw []byte) {
	t.Helper()
	c := s.client(t)
	defer c.Close()
	cmd := c.Append("INBOX", int64(len(raw)), nil)
	if _, err := cmd.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	c.Logout().Wait() // #nosec G104 -- a test helper: its own temporary files and programs
}

// Counts returns how many messages the mailbox holds and how many of them
// are unread.
func (s *Server) Counts(t testing.TB) (total, unread int) {
	t.Helper()
	c := s.client(t)
	defer c.Close()
	sel, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		t.Fatal(err)
	}
	found, err := c.UIDSearch(&imap.SearchCriteria{NotFlag: []imap.Flag{imap.FlagSeen}}, nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	c.Logout().Wait() // #nosec G104 -- a test helper: its own temporary files and programs
	return int(sel.NumMessages), len(found.AllUIDs())
}
