package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/confide/confide/internal/app"
	"github.com/confide/confide/internal/app/apptest"
	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
	"github.com/confide/confide/internal/web"
)

const testPassword = "tea with lemon at four"

// browserClient keeps cookies like a browser and does not follow redirects.
func browserClient(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func post(t *testing.T, c *http.Client, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b := new(strings.Builder)
	if _, err := readAll(b, resp); err != nil {
		t.Fatal(err)
	}
	return resp, b.String()
}

func get(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b := new(strings.Builder)
	if _, err := readAll(b, resp); err != nil {
		t.Fatal(err)
	}
	return resp, b.String()
}

// addUser makes a staff account with testPassword and two-factor login
// set up, as every staff account must have it.
func addUser(t *testing.T, site *apptest.Site, email string, role model.Role) {
	t.Helper()
	if _, err := site.Service.CreateUser(context.Background(), 0, service.NewUser{Email: email, Name: string(role) + " user",
		Role: role, Password: testPassword}); err != nil {
		t.Fatal(err)
	}
	site.Enrol(t, email, testPassword)
}

// enrolThroughForm sets up two-factor login on /admin/account/2fa for the
// account of email, as a person does with an authenticator app.
func enrolThroughForm(t *testing.T, site *apptest.Site, c *http.Client, email, password string) {
	t.Helper()
	_, page := get(t, c, site.URL+"/admin/account/2fa")
	m := regexp.MustCompile(`typing the key <code>([A-Z2-7]+)</code>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no key on the set-up page:\n%s", page)
	}
	code, _ := totp.GenerateCode(m[1], site.Clock.Now())
	resp, page := post(t, c, site.URL+"/admin/account/2fa", url.Values{"code": {code}, "current": {password}})
	if resp.StatusCode != 200 || !strings.Contains(page, "Two-factor login is on") {
		t.Fatalf("set-up: %d", resp.StatusCode)
	}
	site.Remember(email, m[1])
}

// loginAs logs in through the forms: the password, then a code.
func loginAs(t *testing.T, site *apptest.Site, email string) *http.Client {
	t.Helper()
	return loginWith(t, site, email, testPassword)
}

func loginWith(t *testing.T, site *apptest.Site, email, password string) *http.Client {
	t.Helper()
	c := browserClient(t)
	resp, body := post(t, c, site.URL+"/admin/login", url.Values{"email": {email}, "password": {password}})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/admin/login/code") {
		t.Fatalf("login as %s: %d %s\n%s", email, resp.StatusCode, resp.Header.Get("Location"), body)
	}
	resp, body = post(t, c, site.URL+"/admin/login/code", url.Values{"code": {site.Code(t, email)}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/" {
		t.Fatalf("login code for %s: %d %s\n%s", email, resp.StatusCode, resp.Header.Get("Location"), body)
	}
	return c
}

func TestSetupCreatesTheFirstAdminOnce(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		token, err := site.Service.StartSetup(context.Background())
		if err != nil || token == "" {
			t.Fatalf("start setup: %q %v", token, err)
		}
		c := browserClient(t)
		for _, u := range []string{"/setup", "/setup?token=wrong"} {
			if resp, _ := get(t, c, site.URL+u); resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s: %d, want 403", u, resp.StatusCode)
			}
		}
		resp, body := get(t, c, site.URL+"/setup?token="+token)
		if resp.StatusCode != 200 || !strings.Contains(body, "Create the administrator account") {
			t.Fatalf("setup form: %d", resp.StatusCode)
		}
		// A mistake keeps what was typed (but not the password) and names the field.
		resp, body = post(t, c, site.URL+"/setup", url.Values{"token": {token}, "name": {"Ada"}, "email": {"ada@example.org"}, "password": {"short"}})
		if resp.StatusCode != 400 || !strings.Contains(body, `value="ada@example.org"`) || !strings.Contains(body, "at least 10 characters") {
			t.Fatalf("bad password: %d\n%s", resp.StatusCode, body)
		}
		resp, _ = post(t, c, site.URL+"/setup", url.Values{"token": {token}, "name": {"Ada"}, "email": {"ada@example.org"}, "password": {testPassword}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/account/2fa" {
			t.Fatalf("setup: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if _, page := get(t, c, site.URL+"/admin/account/2fa"); !strings.Contains(page, "Welcome, Ada") {
			t.Error("no welcome on the set-up page")
		}
		// The first admin sets up two-factor login before anything else.
		for _, path := range []string{"/admin/", "/admin/stories", "/admin/account"} {
			if resp, _ := get(t, c, site.URL+path); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/account/2fa" {
				t.Fatalf("%s before two-factor login: %d %s", path, resp.StatusCode, resp.Header.Get("Location"))
			}
		}
		enrolThroughForm(t, site, c, "ada@example.org", testPassword)
		if resp, body := get(t, c, site.URL+"/admin/"); resp.StatusCode != 200 || !strings.Contains(body, "<h1>Dashboard</h1>") {
			t.Fatalf("dashboard after setup: %d", resp.StatusCode)
		}
		// Gone once an account exists, even with the token.
		if resp, _ := get(t, browserClient(t), site.URL+"/setup?token="+token); resp.StatusCode != http.StatusForbidden {
			t.Errorf("setup after the first account: %d", resp.StatusCode)
		}
		if resp, _ := post(t, browserClient(t), site.URL+"/setup", url.Values{"token": {token}, "name": {"Eve"}, "email": {"eve@example.org"}, "password": {testPassword}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("second setup: %d", resp.StatusCode)
		}
	})
}

func TestLoginAndLogout(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		addUser(t, site, "rose@example.org", model.RoleAdvisor)

		c := browserClient(t)
		resp, _ := get(t, c, site.URL+"/admin/audit")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/admin/login?next=") {
			t.Fatalf("anonymous admin page: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, wrong := post(t, c, site.URL+"/admin/login", url.Values{"email": {"rose@example.org"}, "password": {"not the password"}})
		_, unknown := post(t, c, site.URL+"/admin/login", url.Values{"email": {"nobody@example.org"}, "password": {"not the password"}})
		msg := regexp.MustCompile(`<p class="form-error" role="alert">([^<]+)</p>`)
		if m1, m2 := msg.FindStringSubmatch(wrong), msg.FindStringSubmatch(unknown); m1 == nil || m2 == nil || m1[1] != m2[1] {
			t.Fatalf("wrong password and unknown address must get the same message: %v %v", m1, m2)
		}

		resp, _ = post(t, c, site.URL+"/admin/login", url.Values{"email": {"Rose@Example.org"}, "password": {testPassword}, "next": {"/admin/?x=1"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/login/code?next=%2Fadmin%2F%3Fx%3D1" {
			t.Fatalf("login: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		cookie := resp.Header.Get("Set-Cookie")
		if resp, _ := get(t, c, site.URL+"/admin/"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("the password alone opened the dashboard: %d", resp.StatusCode)
		}
		resp, _ = post(t, c, site.URL+"/admin/login/code", url.Values{"code": {site.Code(t, "rose@example.org")}, "next": {"/admin/?x=1"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/?x=1" {
			t.Fatalf("login code: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		for _, want := range []string{"confide_session=", "HttpOnly", "SameSite=Lax", "Path=/"} {
			if !strings.Contains(cookie, want) {
				t.Errorf("session cookie %q lacks %s", cookie, want)
			}
		}
		if strings.Contains(cookie, "Secure") {
			t.Errorf("cookie over plain http must not be Secure: %q", cookie)
		}
		if resp, body := get(t, c, site.URL+"/admin/"); resp.StatusCode != 200 || !strings.Contains(body, "advisor user (advisor)") ||
			resp.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("dashboard: %d %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
		}

		// Logging in again gives a new session id; the old one stops working.
		old := sessionCookie(t, c, site.URL)
		post(t, c, site.URL+"/admin/login", url.Values{"email": {"rose@example.org"}, "password": {testPassword}})
		if now := sessionCookie(t, c, site.URL); now == old {
			t.Error("session id was not renewed at login")
		}
		stale := browserClient(t)
		u, _ := url.Parse(site.URL)
		stale.Jar.SetCookies(u, []*http.Cookie{{Name: "confide_session", Value: old}})
		if resp, _ := get(t, stale, site.URL+"/admin/"); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("old session id still works: %d", resp.StatusCode)
		}

		// An open redirect through next= is refused.
		resp, _ = post(t, browserClient(t), site.URL+"/admin/login", url.Values{"email": {"rose@example.org"}, "password": {testPassword}, "next": {"//evil.example/"}})
		if resp.Header.Get("Location") != "/admin/login/code?next=%2Fadmin%2F" {
			t.Errorf("next=//evil.example/ redirected to %s", resp.Header.Get("Location"))
		}

		resp, _ = post(t, c, site.URL+"/admin/logout", nil)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/login" {
			t.Fatalf("logout: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp, _ := get(t, c, site.URL+"/admin/"); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("dashboard after logout: %d", resp.StatusCode)
		}
	})
}

func sessionCookie(t *testing.T, c *http.Client, base string) string {
	u, _ := url.Parse(base)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "confide_session" {
			return ck.Value
		}
	}
	t.Fatal("no session cookie")
	return ""
}

func TestLoginThrottledWith429(t *testing.T) {
	site := apptest.Start(t, dbtest.SQLite(t))
	addUser(t, site, "rose@example.org", model.RoleAdvisor)
	c := browserClient(t)
	for i := 0; i < service.MaxFailuresPerIP; i++ {
		post(t, c, site.URL+"/admin/login", url.Values{"email": {"rose@example.org"}, "password": {"wrong guess " + string(rune('a'+i))}})
	}
	resp, body := post(t, c, site.URL+"/admin/login", url.Values{"email": {"rose@example.org"}, "password": {testPassword}})
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "15 minutes") {
		t.Fatalf("after 10 failures: %d", resp.StatusCode)
	}
}

// wantAccess states, independently of the routes table, which roles may use
// each admin route. A route missing here fails the test: adding a route means
// deciding who may use it.
var wantAccess = map[string][]model.Role{
	"GET /admin/{$}":                   {model.RoleAdmin, model.RoleAdvisor, model.RoleModerator},
	"POST /admin/logout":               {model.RoleAdmin, model.RoleAdvisor, model.RoleModerator},
	"GET /admin/audit":                 {model.RoleAdmin},
	"GET /admin/account":               {model.RoleAdmin, model.RoleAdvisor, model.RoleModerator},
	"GET /admin/account/2fa":           {model.RoleAdmin, model.RoleAdvisor, model.RoleModerator},
	"POST /admin/account/2fa":          {model.RoleAdmin, model.RoleAdvisor, model.RoleModerator},
	"POST /admin/account/2fa/disable":  {model.RoleAdmin, model.RoleAdvisor, model.RoleModerator},
	"POST /admin/account/password":     {model.RoleAdmin, model.RoleAdvisor, model.RoleModerator},
	"POST /admin/account/email":        {model.RoleAdmin, model.RoleAdvisor, model.RoleModerator},
	"POST /admin/account/sessions/end": {model.RoleAdmin, model.RoleAdvisor, model.RoleModerator},
	"POST /admin/users/{id}/reset-2fa": {model.RoleAdmin},

	"GET /admin/stories":                 {model.RoleAdmin, model.RoleAdvisor},
	"GET /admin/search":                  {model.RoleAdmin, model.RoleAdvisor},
	"GET /admin/stories/new":             {model.RoleAdmin, model.RoleAdvisor},
	"POST /admin/stories":                {model.RoleAdmin, model.RoleAdvisor},
	"GET /admin/stories/{id}":            {model.RoleAdmin, model.RoleAdvisor},
	"POST /admin/stories/{id}":           {model.RoleAdmin, model.RoleAdvisor},
	"POST /admin/stories/{id}/publish":   {model.RoleAdmin, model.RoleAdvisor},
	"POST /admin/stories/{id}/unpublish": {model.RoleAdmin, model.RoleAdvisor},
	"GET /admin/stories/{id}/delete":     {model.RoleAdmin, model.RoleAdvisor},
	"POST /admin/stories/{id}/delete":    {model.RoleAdmin, model.RoleAdvisor},

	"GET /admin/sections":            {model.RoleAdmin, model.RoleAdvisor},
	"POST /admin/sections":           {model.RoleAdmin, model.RoleAdvisor},
	"GET /admin/sections/{id}":       {model.RoleAdmin, model.RoleAdvisor},
	"POST /admin/sections/{id}":      {model.RoleAdmin, model.RoleAdvisor},
	"POST /admin/sections/{id}/move": {model.RoleAdmin, model.RoleAdvisor},
	"GET /admin/settings":            {model.RoleAdmin},
	"POST /admin/settings":           {model.RoleAdmin},
	"GET /admin/pages/{slug}":        {model.RoleAdmin},
	"POST /admin/pages/{slug}":       {model.RoleAdmin},
	"GET /admin/outbox":              {model.RoleAdmin},

	"POST /admin/stories/{id}/comments/close": {model.RoleAdmin, model.RoleAdvisor},
	"POST /admin/stories/{id}/comments/open":  {model.RoleAdmin, model.RoleAdvisor},
	"GET /admin/letters":                      {model.RoleAdmin, model.RoleAdvisor},
	"GET /admin/letters/{id}":                 {model.RoleAdmin, model.RoleAdvisor},
	"POST /admin/letters/pause":               {model.RoleAdmin},
	"GET /admin/templates":                    {model.RoleAdmin, model.RoleAdvisor},
	"POST /admin/templates":                   {model.RoleAdmin, model.RoleAdvisor},
	"POST /admin/templates/{id}/delete":       {model.RoleAdmin, model.RoleAdvisor},
	"POST /admin/letters/{id}":                {model.RoleAdmin, model.RoleAdvisor},
	"GET /admin/letters/{id}/publication":     {model.RoleAdmin, model.RoleAdvisor},
	"POST /admin/letters/{id}/publication":    {model.RoleAdmin, model.RoleAdvisor},
	"GET /admin/comments":                     {model.RoleAdmin, model.RoleAdvisor, model.RoleModerator},
	"POST /admin/comments":                    {model.RoleAdmin, model.RoleAdvisor, model.RoleModerator},
	"GET /admin/comments/{id}":                {model.RoleAdmin, model.RoleAdvisor, model.RoleModerator},
	"POST /admin/comments/{id}":               {model.RoleAdmin, model.RoleAdvisor, model.RoleModerator},
	"GET /admin/antispam":                     {model.RoleAdmin},
	"POST /admin/antispam":                    {model.RoleAdmin},
	"POST /admin/antispam/rules":              {model.RoleAdmin},
	"POST /admin/antispam/rules/{id}/delete":  {model.RoleAdmin},
	"GET /admin/users":                        {model.RoleAdmin},
	"POST /admin/users":                       {model.RoleAdmin},
	"POST /admin/users/{id}/role":             {model.RoleAdmin},
	"POST /admin/users/{id}/disable":          {model.RoleAdmin},
	"POST /admin/users/{id}/enable":           {model.RoleAdmin},
	"GET /admin/outbox/{id}":                  {model.RoleAdmin},
	"GET /admin/privacy":                      {model.RoleAdmin},
	"GET /admin/helplines":                    {model.RoleAdmin},
	"POST /admin/helplines":                   {model.RoleAdmin},
	"POST /admin/helplines/{id}/delete":       {model.RoleAdmin},
	"POST /admin/privacy":                     {model.RoleAdmin},
}

func allowed(route string, who string) bool {
	for _, r := range wantAccess[route] {
		if string(r) == who {
			return true
		}
	}
	return false
}

// Every admin route, for anonymous visitors and every role: anonymous
// visitors go to the login page, roles without access get 403, the others
// get through.
func TestAdminAccessControlMatrix(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		clients := map[string]*http.Client{"anonymous": browserClient(t)}
		// Account 1 is nobody's own, so actions on /admin/users/1 are never
		// refused for acting on oneself.
		addUser(t, site, "target@example.org", model.RoleModerator)
		for _, role := range model.Roles {
			email := string(role) + "@example.org"
			addUser(t, site, email, role)
			clients[string(role)] = loginAs(t, site, email)
		}
		routes := web.AdminRoutes()
		if len(routes) < 3 {
			t.Fatalf("only %d admin routes", len(routes))
		}
		for _, rt := range routes {
			key := rt.Method + " " + rt.Pattern
			if _, ok := wantAccess[key]; !ok {
				t.Errorf("route %s has no expected access in wantAccess", key)
				continue
			}
			path := strings.NewReplacer("{$}", "", "{id}", "1", "{slug}", "about").Replace(rt.Pattern)
			for who, c := range clients {
				if rt.Pattern == "/admin/logout" && who != "anonymous" {
					continue // checked last, it ends the session
				}
				var resp *http.Response
				if rt.Method == "GET" {
					resp, _ = get(t, c, site.URL+path)
				} else {
					resp, _ = post(t, c, site.URL+path, url.Values{})
				}
				switch {
				case who == "anonymous":
					if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/admin/login") {
						t.Errorf("%s %s as anonymous: %d %s, want a redirect to the login page", rt.Method, path, resp.StatusCode, resp.Header.Get("Location"))
					}
				case !allowed(key, who):
					if resp.StatusCode != http.StatusForbidden {
						t.Errorf("%s %s as %s: %d, want 403", rt.Method, path, who, resp.StatusCode)
					}
				default:
					if resp.StatusCode == http.StatusForbidden || resp.StatusCode >= 500 ||
						strings.HasPrefix(resp.Header.Get("Location"), "/admin/login") {
						t.Errorf("%s %s as %s: %d %s, want access", rt.Method, path, who, resp.StatusCode, resp.Header.Get("Location"))
					}
				}
			}
		}
		for _, role := range model.Roles {
			if resp, _ := post(t, clients[string(role)], site.URL+"/admin/logout", nil); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("logout as %s: %d", role, resp.StatusCode)
			}
		}
	})
}

func readAll(b *strings.Builder, resp *http.Response) (int64, error) {
	return io.Copy(b, resp.Body)
}

// Behind https (the base URL says so) the session cookie is Secure and
// browsers are told to stay on https.
func TestSecureCookieOverHTTPS(t *testing.T) {
	db := dbtest.SQLite(t)
	a, err := app.Build(db, "https://confide.example", slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Service.CreateUser(context.Background(), 0, service.NewUser{Email: "ada@example.org", Name: "Ada",
		Role: model.RoleAdmin, Password: testPassword}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Web.Handler())
	defer srv.Close()
	resp, _ := post(t, browserClient(t), srv.URL+"/admin/login", url.Values{"email": {"ada@example.org"}, "password": {testPassword}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	if c := resp.Header.Get("Set-Cookie"); !strings.Contains(c, "Secure") || !strings.Contains(c, "HttpOnly") {
		t.Errorf("cookie %q is not Secure and HttpOnly", c)
	}
	if resp.Header.Get("Strict-Transport-Security") == "" {
		t.Error("no HSTS header behind https")
	}
}
