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
			return model.Errorf(model.EFORBIDDEN, "Your account (%s) cannot use this part of the site.", u.Role)
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

// flash leaves a one-line message for the next admin page.
func (s *Server) flash(r *http.Request, msg string) {
	s.sm.Put(r.Context(), sessionFlashKey, msg)
}
