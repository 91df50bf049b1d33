package web

import (
	"net/http"

	"github.com/confide/confide/internal/model"
)

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request, status int, f form) error {
	users, err := s.svc.Users(r.Context())
	if err != nil {
		return err
	}
	v, err := s.adminPage(r, s.lang(r).Text("title.users"))
	if err != nil {
		return err
	}
	v.Form, v.Data = f, struct {
		Users []model.User
		Roles []model.Role
	}{users, model.Roles}
	return s.renderAdmin(w, r, status, "users", v)
}

func (s *Server) adminUsers(w http.ResponseWriter, r *http.Request) error {
	return s.usersPage(w, r, http.StatusOK, form{Values: map[string]string{"role": string(model.RoleAdvisor)}})
}

func (s *Server) inviteUser(w http.ResponseWriter, r *http.Request) error {
	f, err := newForm(r, "email", "name", "role")
	if err != nil {
		return err
	}
	u, err := s.svc.InviteUser(r.Context(), currentUser(r.Context()).ID, f.Get("email"), f.Get("name"), model.Role(f.Get("role")))
	if err != nil {
		status, err := f.fail(s.lang(r), err)
		if err != nil {
			return err
		}
		return s.usersPage(w, r, status, f)
	}
	s.flash(r, "flash.invited", "Name", u.Name)
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
	return nil
}

func (s *Server) changeRole(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	f, err := newForm(r, "role")
	if err != nil {
		return err
	}
	if err := s.svc.ChangeRole(r.Context(), currentUser(r.Context()).ID, id, model.Role(f.Get("role"))); err != nil {
		return err
	}
	s.flash(r, "users_admin.role_changed")
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
	return nil
}

func (s *Server) setDisabled(disabled bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := idParam(r)
		if err != nil {
			return err
		}
		if err := s.svc.SetDisabled(r.Context(), currentUser(r.Context()).ID, id, disabled); err != nil {
			return err
		}
		if disabled {
			s.flash(r, "users_admin.account_disabled_its_sessions")
		} else {
			s.flash(r, "users_admin.account_can_log_again")
		}
		http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
		return nil
	}
}
