package service

import (
	"context"
	"time"

	"github.com/confide/confide/internal/i18n"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/password"
)

// Users lists every account.
func (s *Service) Users(ctx context.Context) ([]model.User, error) { return s.store.Users(ctx) }

// InviteUser creates an account with no usable password and e-mails its
// owner a link to choose one (valid for InviteTokenTTL).
func (s *Service) InviteUser(ctx context.Context, actor int64, email, name string, role model.Role) (*model.User, error) {
	placeholder, err := password.Generate()
	if err != nil {
		return nil, err
	}
	site, err := s.SiteSettings(ctx)
	if err != nil {
		return nil, err
	}
	var u *model.User
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		// The generated password is never shown to anyone: the invitation
		// link is the only way in.
		if u, err = s.CreateUser(ctx, actor, NewUser{Email: email, Name: name, Role: role, Password: placeholder + placeholder}); err != nil {
			return err
		}
		link, err := s.newPasswordToken(ctx, u, model.TokenInvite, InviteTokenTTL)
		if err != nil {
			return err
		}
		l := i18n.Get(site.Language)
		text := l.Text("mail.invite", "Name", u.Name, "Role", l.Text("role."+string(u.Role)), "Site", site.SiteName, "Link", link)
		_, err = s.QueueMail(ctx, u.Email, u.Name, l.Text("mail.invite_subject", "Site", site.SiteName), text, "")
		return err
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// ChangeRole gives an account another role. Nobody changes their own role,
// so an admin cannot lock the site out of its admin area by mistake.
func (s *Service) ChangeRole(ctx context.Context, actor, id int64, role model.Role) error {
	if !role.Valid() {
		return model.Errorf(model.EINVALID, "account.choose_admin_advisor_moderator")
	}
	if actor == id {
		return model.Errorf(model.EFORBIDDEN, "users.cannot_change_own_role")
	}
	return s.store.InTx(ctx, func(ctx context.Context) error {
		u, err := s.store.UserByID(ctx, id)
		if err != nil {
			return err
		}
		if u.Role == model.RoleAdmin && role != model.RoleAdmin {
			if err := s.keepOneAdmin(ctx, id); err != nil {
				return err
			}
		}
		u.Role, u.UpdatedAt = role, s.Now()
		if err := s.store.UpdateUser(ctx, u); err != nil {
			return err
		}
		// Sessions were opened under the old role: they end.
		if _, err := s.store.EndUserSessions(ctx, id, ""); err != nil {
			return err
		}
		return s.audit(ctx, actor, "user.role", u.Email+" → "+string(role))
	})
}

// SetDisabled switches an account off (it cannot log in, and its sessions
// stop working at once) or on again.
func (s *Service) SetDisabled(ctx context.Context, actor, id int64, disabled bool) error {
	if actor == id && disabled {
		return model.Errorf(model.EFORBIDDEN, "users.cannot_disable_own_account")
	}
	return s.store.InTx(ctx, func(ctx context.Context) error {
		u, err := s.store.UserByID(ctx, id)
		if err != nil {
			return err
		}
		action := "user.enable"
		u.DisabledAt = time.Time{}
		if disabled {
			if u.Role == model.RoleAdmin {
				if err := s.keepOneAdmin(ctx, id); err != nil {
					return err
				}
			}
			u.DisabledAt, action = s.Now(), "user.disable"
		}
		u.UpdatedAt = s.Now()
		if err := s.store.UpdateUser(ctx, u); err != nil {
			return err
		}
		if disabled {
			if _, err := s.store.EndUserSessions(ctx, id, ""); err != nil {
				return err
			}
		}
		return s.audit(ctx, actor, action, u.Email)
	})
}

// keepOneAdmin fails when the account id is the last enabled admin.
func (s *Service) keepOneAdmin(ctx context.Context, id int64) error {
	users, err := s.store.Users(ctx)
	if err != nil {
		return err
	}
	for _, u := range users {
		if u.ID != id && u.Role == model.RoleAdmin && !u.Disabled() {
			return nil
		}
	}
	return model.Errorf(model.ECONFLICT, "users.site_needs_at_least")
}
