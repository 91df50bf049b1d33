package web

import (
	"net/http"
)

func (s *Server) forgotForm(w http.ResponseWriter, r *http.Request) error {
	v, err := s.adminPage(r, s.lang(r).Text("title.forgot_your_password"))
	if err != nil {
		return err
	}
	return s.renderAdmin(w, r, http.StatusOK, "password_forgot", v)
}

func (s *Server) forgot(w http.ResponseWriter, r *http.Request) error {
	f, err := newForm(r, "email")
	if err != nil {
		return err
	}
	err = s.svc.RequestPasswordReset(r.Context(), f.Get("email"), clientIP(r))
	v, verr := s.adminPage(r, s.lang(r).Text("title.forgot_your_password"))
	if verr != nil {
		return verr
	}
	if err != nil {
		status, err := f.fail(s.lang(r), err)
		if err != nil {
			return err
		}
		v.Form = f
		return s.renderAdmin(w, r, status, "password_forgot", v)
	}
	v.Flash = tr(s.lang(r), "password.reset_sent")
	return s.renderAdmin(w, r, http.StatusOK, "password_forgot", v)
}

func (s *Server) resetForm(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	u, _, err := s.svc.CheckPasswordToken(r.Context(), token)
	if err != nil {
		return err
	}
	v, err := s.adminPage(r, s.lang(r).Text("title.choose_a_new_password"))
	if err != nil {
		return err
	}
	v.Form = form{Values: map[string]string{"token": token}}
	v.Data = u
	return s.renderAdmin(w, r, http.StatusOK, "password_reset", v)
}

func (s *Server) reset(w http.ResponseWriter, r *http.Request) error {
	f, err := newForm(r, "token", "password")
	if err != nil {
		return err
	}
	u, err := s.svc.SetPasswordWithToken(r.Context(), f.Values["token"], f.Values["password"])
	if err != nil {
		status, err := f.fail(s.lang(r), err)
		if err != nil {
			return err
		}
		if status == http.StatusForbidden {
			_, _, terr := s.svc.CheckPasswordToken(r.Context(), f.Values["token"])
			if terr == nil {
				terr = errBadLink
			}
			return terr
		}
		cur, _, _ := s.svc.CheckPasswordToken(r.Context(), f.Values["token"])
		v, err := s.adminPage(r, s.lang(r).Text("title.choose_a_new_password"))
		if err != nil {
			return err
		}
		f.Values["password"] = ""
		v.Form, v.Data = f, cur
		return s.renderAdmin(w, r, status, "password_reset", v)
	}
	// Logged in at once, with a fresh session, but never past a second
	// factor: a reset link proves the mailbox, not the phone.
	s.flash(r, "password.new_password_set")
	return s.startSession(w, r, u, "/admin/")
}
