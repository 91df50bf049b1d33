package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/confide/confide/internal/model"
)

// Session lifetimes: a session ends after two idle hours, and after twelve
// hours whatever happens.
const (
	sessionIdle     = 2 * time.Hour
	sessionLifetime = 12 * time.Hour
	sessionUserKey  = "uid"
	sessionFlashKey = "flash"
)

// SessionUser reads the account a session's data belongs to (0: none), for
// the session store, which keeps it beside the data so that an account's
// sessions can be listed and ended.
func SessionUser(data []byte) int64 {
	_, values, err := scs.GobCodec{}.Decode(data)
	if err != nil {
		return 0
	}
	id, _ := values[sessionUserKey].(int64)
	return id
}

func newSessionManager(store scs.Store, secure bool) *scs.SessionManager {
	sm := scs.New()
	sm.Store = store
	sm.IdleTimeout = sessionIdle
	sm.Lifetime = sessionLifetime
	sm.Cookie.Name = "confide_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = secure
	sm.Cookie.Path = "/"
	return sm
}

type userKey struct{}

// currentUser is the account behind an admin request (set by s.admin).
func currentUser(ctx context.Context) *model.User {
	u, _ := ctx.Value(userKey{}).(*model.User)
	return u
}

// enrolRoutes are what an account that must set up two-factor login may
// use before it has: the set-up itself, and logging out.
var enrolRoutes = map[string]bool{
	"GET /admin/account/2fa": true, "POST /admin/account/2fa": true, "POST /admin/logout": true,
}

// admin wraps an admin handler: the visitor must be logged in with an
// account whose role may use area perm. Anonymous visitors are sent to the
// login page; a role without the permission gets 403. Admin pages are never
// stored by browsers or proxies.
func (s *Server) admin(perm model.Permission, h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Cache-Control", "no-store")
		uid := s.sm.GetInt64(r.Context(), sessionUserKey)
		if uid == 0 {
			return s.toLogin(w, r)
		}
		u, err := s.svc.User(r.Context(), uid)
		if model.ErrorCode(err) == model.ENOTFOUND {
			if err := s.sm.Destroy(r.Context()); err != nil {
				return err
			}
			return s.toLogin(w, r)
		}
		if err != nil {
			return err
		}
		if !u.Role.Can(perm) {
			return model.Errorf(model.EFORBIDDEN, "session.role_cannot", "Role", string(u.Role))
		}
		if !enrolRoutes[r.Pattern] {
			if must, err := s.svc.MustEnrol(r.Context(), u); err != nil {
				return err
			} else if must {
				// A staff account opens every letter: a password alone
				// is not enough to use it.
				s.flash(r, "session.account_needs_two_factor")
				http.Redirect(w, r, "/admin/account/2fa", http.StatusSeeOther)
				return nil
			}
		}
		return h(w, r.WithContext(context.WithValue(r.Context(), userKey{}, u)))
	}
}

func (s *Server) toLogin(w http.ResponseWriter, r *http.Request) error {
	target := "/admin/login"
	if r.Method == http.MethodGet && r.URL.Path != "/admin/" {
		target += "?next=" + url.QueryEscape(r.URL.RequestURI())
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

// safeNext keeps a post-login redirect inside the admin area.
func safeNext(next string) string {
	if strings.HasPrefix(next, "/admin/") && !strings.HasPrefix(next, "//") && !strings.Contains(next, "\\") {
		return next
	}
	return "/admin/"
}

// flash leaves a one-line message for the next admin page: message id with
// its arguments, written out now in the site's language.
func (s *Server) flash(r *http.Request, id string, args ...any) {
	s.sm.Put(r.Context(), sessionFlashKey, s.lang(r).T(id, args...))
}

// endOtherSessions ends one's other sessions (another browser, a phone, a
// computer one forgot to log out of).
func (s *Server) endOtherSessions(w http.ResponseWriter, r *http.Request) error {
	n, err := s.svc.EndOtherSessions(r.Context(), currentUser(r.Context()).ID, s.sm.Token(r.Context()))
	if err != nil {
		return err
	}
	s.flash(r, "flash.sessions_ended", "Count", n)
	http.Redirect(w, r, "/admin/account", http.StatusSeeOther)
	return nil
}

// changePassword and changeEmail take the current password first; both end
// one's other sessions, and this one goes on under a new token.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	f, err := newForm(r, "current", "password")
	if err != nil {
		return err
	}
	f.Values["form"] = "password"
	err = s.svc.ChangePassword(r.Context(), currentUser(r.Context()).ID, f.Values["current"], f.Values["password"], s.sm.Token(r.Context()))
	return s.afterCredentials(w, r, f, err, "flash.password_changed")
}

func (s *Server) changeEmail(w http.ResponseWriter, r *http.Request) error {
	f, err := newForm(r, "current", "email")
	if err != nil {
		return err
	}
	f.Values["form"] = "email"
	err = s.svc.ChangeEmail(r.Context(), currentUser(r.Context()).ID, f.Values["current"], f.Get("email"), s.sm.Token(r.Context()))
	return s.afterCredentials(w, r, f, err, "flash.email_changed")
}

func (s *Server) afterCredentials(w http.ResponseWriter, r *http.Request, f form, err error, done string) error {
	if err != nil {
		status, err := f.fail(s.lang(r), err)
		if err != nil {
			return err
		}
		// What was typed comes back, but never a password.
		f.Values["current"], f.Values["password"] = "", ""
		return s.renderAccount(w, r, status, f)
	}
	if err := s.sm.RenewToken(r.Context()); err != nil {
		return err
	}
	s.flash(r, done)
	http.Redirect(w, r, "/admin/account", http.StatusSeeOther)
	return nil
}
