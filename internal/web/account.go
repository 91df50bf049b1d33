package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
)

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	if s.sm.GetInt64(r.Context(), sessionUserKey) != 0 {
		http.Redirect(w, r, "/admin/", http.StatusSeeOther)
		return nil
	}
	v, err := s.adminPage(r, s.lang(r).Text("title.log_in"))
	if err != nil {
		return err
	}
	v.Form = form{Values: map[string]string{"next": r.URL.Query().Get("next")}}
	return s.renderAdmin(w, r, http.StatusOK, "login", v)
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	f, err := newForm(r, "email", "password", "next")
	if err != nil {
		return err
	}
	u, err := s.svc.Authenticate(r.Context(), f.Get("email"), f.Values["password"], clientIP(r))
	if err != nil {
		status, err := f.fail(s.lang(r), err)
		if err != nil {
			return err
		}
		f.Values["password"] = ""
		v, err := s.adminPage(r, s.lang(r).Text("title.log_in"))
		if err != nil {
			return err
		}
		v.Form = f
		return s.renderAdmin(w, r, status, "login", v)
	}
	return s.startSession(w, r, u, f.Get("next"))
}

// startSession logs u in once the password is proven (at login, or by a
// reset link): under a new session token, so a token planted before cannot
// be used, and only after the second step when u has a second factor.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u *model.User, next string) error {
	if err := s.sm.RenewToken(r.Context()); err != nil {
		return err
	}
	if u.HasTwoFactor() {
		s.sm.Put(r.Context(), sessionPendingUser, u.ID)
		s.sm.Put(r.Context(), sessionPendingAt, time.Now().Unix())
		http.Redirect(w, r, "/admin/login/code?next="+url.QueryEscape(safeNext(next)), http.StatusSeeOther)
		return nil
	}
	s.sm.Put(r.Context(), sessionUserKey, u.ID)
	http.Redirect(w, r, safeNext(next), http.StatusSeeOther) // #nosec G710 -- safeNext keeps it inside /admin/ on this site
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if u := currentUser(r.Context()); u != nil {
		if err := s.svc.Audit(r.Context(), u.ID, "user.logout", ""); err != nil {
			return err
		}
	}
	if err := s.sm.Destroy(r.Context()); err != nil {
		return err
	}
	// A shared computer keeps nothing of the admin area after logging out.
	w.Header().Set("Clear-Site-Data", `"cache", "cookies", "storage"`)
	http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
	return nil
}

// setupForm shows the form that creates the first admin; it needs the token
// printed by `confide serve` and is gone once an account exists.
func (s *Server) setupForm(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	token := r.URL.Query().Get("token")
	if err := s.svc.CheckSetupToken(r.Context(), token); err != nil {
		return err
	}
	v, err := s.adminPage(r, s.lang(r).Text("title.set_up_your_site"))
	if err != nil {
		return err
	}
	v.Form = form{Values: map[string]string{"token": token}}
	return s.renderAdmin(w, r, http.StatusOK, "setup", v)
}

func (s *Server) setup(w http.ResponseWriter, r *http.Request) error {
	f, err := newForm(r, "token", "email", "name", "password")
	if err != nil {
		return err
	}
	u, err := s.svc.CompleteSetup(r.Context(), f.Values["token"], service.NewUser{
		Email: f.Get("email"), Name: f.Get("name"), Password: f.Values["password"]})
	if err != nil {
		status, err := f.fail(s.lang(r), err)
		if err != nil {
			return err
		}
		if status == http.StatusForbidden {
			return s.svc.CheckSetupToken(r.Context(), f.Values["token"])
		}
		f.Values["password"] = ""
		v, err := s.adminPage(r, s.lang(r).Text("title.set_up_your_site"))
		if err != nil {
			return err
		}
		v.Form = f
		return s.renderAdmin(w, r, status, "setup", v)
	}
	if err := s.sm.RenewToken(r.Context()); err != nil {
		return err
	}
	s.sm.Put(r.Context(), sessionUserKey, u.ID)
	// The admin opens every letter: the account's second factor comes first.
	s.flash(r, "flash.welcome", "Name", u.Name)
	http.Redirect(w, r, "/admin/account/2fa", http.StatusSeeOther)
	return nil
}
