package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/confide/confide/internal/app/apptest"
	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/model"
)

// lockedBuffer is a bytes.Buffer several goroutines may write.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A whole scenario (a letter shared and answered, a thread opened by its
// secret link, a comment and its private page, a login) logs one line per
// request with its route and id, and never a secret: no password, token,
// key, session, letter or comment text, e-mail or client address.
func TestLogsHoldNoSecrets(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		logs := &lockedBuffer{}
		site := apptest.StartLogged(t, db, logs)
		setLayers(t, site, openLayers)
		addUser(t, site, "rose.advisor@example.org", model.RoleAdvisor)
		letter := "Every night the Zebrawood clock in the hall ticks and I count the hours until morning, alone."
		writer := browserClient(t)
		resp, _ := post(t, writer, site.URL+"/share", url.Values{"title": {"Nights"}, "body": {letter}, "name": {"Quentina"},
			"email": {"secret.writer@example.org"}, "consent": {"private"}})
		m := regexp.MustCompile(`^/letters/([A-Za-z0-9_-]+)\?new=1$`).FindStringSubmatch(resp.Header.Get("Location"))
		if m == nil {
			t.Fatalf("share: %d", resp.StatusCode)
		}
		token := m[1]
		resp, _ = get(t, writer, site.URL+"/letters/"+token)
		requestID := resp.Header.Get("X-Request-Id")
		post(t, writer, site.URL+"/letters/"+token, url.Values{"action": {"followup"}, "body": {"The Zebrawood clock stopped."}})
		get(t, writer, site.URL+"/letters/not-a-real-token-at-all")
		mine := postComment(t, site, slugOf(lenaTitle), "Quokkaname", "secret.commenter@example.org", "A Quokkaword of support for you.")
		get(t, browserClient(t), site.URL+mine)
		rose := loginAs(t, site, "rose.advisor@example.org")
		_, inbox := get(t, rose, site.URL+"/admin/letters")
		id := regexp.MustCompile(`href="/admin/letters/(\d+)">Nights`).FindStringSubmatch(inbox)
		if id == nil {
			t.Fatal("the letter is not in the inbox")
		}
		post(t, rose, site.URL+"/admin/letters/"+id[1], url.Values{"action": {"reply"}, "reply": {"Dear friend, the Zebrawood clock…"}})
		post(t, browserClient(t), site.URL+"/admin/login", url.Values{"email": {"rose.advisor@example.org"}, "password": {"a wrong Passphrase99"}})
		var session string
		u, _ := url.Parse(site.URL)
		for _, c := range rose.Jar.Cookies(u) {
			if c.Name == "confide_session" {
				session = c.Value
			}
		}
		key := strings.TrimPrefix(regexp.MustCompile(`k=[^&]+`).FindString(mine), "k=")

		out := logs.String()
		if !strings.Contains(out, "msg=request") || !strings.Contains(out, `route="GET /letters/{token}"`) ||
			!strings.Contains(out, "path=/letters/{token}") || !strings.Contains(out, "id="+requestID) || !strings.Contains(out, "bytes=") {
			t.Fatalf("request lines:\n%s", out)
		}
		for what, secret := range map[string]string{"password": testPassword, "wrong password": "a wrong Passphrase99",
			"thread token": token, "comment key": key, "session": session, "letter text": "Zebrawood", "comment text": "Quokkaword",
			"writer's name": "Quentina", "writer's e-mail": "secret.writer", "commenter's e-mail": "secret.commenter",
			"advisor's e-mail": "rose.advisor@", "client address": "127.0.0.1"} {
			if secret == "" {
				t.Errorf("%s: no value to look for", what)
				continue
			}
			if strings.Contains(out, secret) {
				t.Errorf("the logs hold the %s", what)
			}
		}
		if n := strings.Count(out, "msg=request"); n < 10 {
			t.Errorf("only %d request lines", n)
		}
		if resp, _ := get(t, writer, site.URL+"/letters/"+token); resp.StatusCode != http.StatusOK {
			t.Error("the thread stopped working")
		}
	})
}
