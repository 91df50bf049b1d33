package web

import (
	"bytes"
	"encoding/base64"
	"html/template"
	"image/png"
	"net/http"
	"time"

	"github.com/pquerna/otp"

	"github.com/confide/confide/internal/model"
)

// Session keys of the two-factor steps.
const (
	sessionPendingUser = "pending_uid" // password checked, code still needed
	sessionPendingAt   = "pending_at"
	sessionTOTPSetup   = "totp_setup" // otpauth:// URL of the key being set up, not yet proven
	pendingLifetime    = 5 * time.Minute
)

func (s *Server) secondStepForm(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	if s.pendingUser(r) == 0 {
		http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
		return nil
	}
	v, err := s.adminPage(r, s.lang(r).Text("title.two_factor_login"))
	if err != nil {
		return err
	}
	v.Form = form{Values: map[string]string{"next": r.URL.Query().Get("next")}}
	return s.renderAdmin(w, r, http.StatusOK, "login_code", v)
}

// pendingUser is the account whose password was right within the last
// few minutes and who still owes a code.
func (s *Server) pendingUser(r *http.Request) int64 {
	id := s.sm.GetInt64(r.Context(), sessionPendingUser)
	at := time.Unix(s.sm.GetInt64(r.Context(), sessionPendingAt), 0)
	if id == 0 || time.Since(at) > pendingLifetime {
		return 0
	}
	return id
}

func (s *Server) secondStep(w http.ResponseWriter, r *http.Request) error {
	id := s.pendingUser(r)
	if id == 0 {
		http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
		return nil
	}
	f, err := newForm(r, "code", "next")
	if err != nil {
		return err
	}
	if err := s.svc.VerifySecondFactor(r.Context(), id, f.Get("code")); err != nil {
		status, err := f.fail(s.lang(r), err)
		if err != nil {
			return err
		}
		v, err := s.adminPage(r, s.lang(r).Text("title.two_factor_login"))
		if err != nil {
			return err
		}
		f.Values["code"] = ""
		v.Form = f
		return s.renderAdmin(w, r, status, "login_code", v)
	}
	if err := s.sm.RenewToken(r.Context()); err != nil {
		return err
	}
	s.sm.Remove(r.Context(), sessionPendingUser)
	s.sm.Remove(r.Context(), sessionPendingAt)
	s.sm.Put(r.Context(), sessionUserKey, id)
	http.Redirect(w, r, safeNext(f.Get("next")), http.StatusSeeOther) // #nosec G710 -- safeNext keeps it inside /admin/ on this site
	return nil
}

// accountPage shows one's own account: its sessions, the password, the
// address and two-factor login.
func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderAccount(w, r, http.StatusOK, form{Values: map[string]string{}, Errors: map[string]template.HTML{}})
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, f form) error {
	u := currentUser(r.Context())
	left, err := s.svc.RecoveryCodesLeft(r.Context(), u.ID)
	if err != nil {
		return err
	}
	v, err := s.adminPage(r, s.lang(r).Text("title.your_account"))
	if err != nil {
		return err
	}
	sessions, err := s.svc.Sessions(r.Context(), u.ID, s.sm.Token(r.Context()))
	if err != nil {
		return err
	}
	v.Form, v.Data = f, accountData{CodesLeft: left, Sessions: sessions}
	return s.renderAdmin(w, r, status, "account", v)
}

// accountData is the Data of one's account page.
type accountData struct {
	CodesLeft int
	Sessions  []model.Session
}

type totpSetup struct {
	Secret string
	URL    string
	QR     template.URL // data: URI of the QR code's PNG
	Codes  []string     // recovery codes, once set up
}

func (s *Server) setupTOTPForm(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r.Context())
	key, err := s.svc.NewTOTPKey(r.Context(), u)
	if err != nil {
		return err
	}
	s.sm.Put(r.Context(), sessionTOTPSetup, key.URL())
	return s.renderTOTPSetup(w, r, http.StatusOK, key.Secret(), key.URL(), form{})
}

func (s *Server) renderTOTPSetup(w http.ResponseWriter, r *http.Request, status int, secret, url string, f form) error {
	data := totpSetup{Secret: secret, URL: url}
	if url != "" {
		if qr, err := qrDataURI(url); err == nil {
			data.QR = qr
		}
	}
	v, err := s.adminPage(r, s.lang(r).Text("title.set_up_two_factor"))
	if err != nil {
		return err
	}
	v.Form, v.Data = f, data
	return s.renderAdmin(w, r, status, "totp_setup", v)
}

func qrDataURI(otpURL string) (template.URL, error) {
	key, err := otp.NewKeyFromURL(otpURL)
	if err != nil {
		return "", err
	}
	img, err := key.Image(200, 200)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", err
	}
	// A data: URI built here from our own PNG bytes, so it is safe to mark.
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())), nil // #nosec G203 -- a data: URI of a PNG made here
}

func (s *Server) setupTOTP(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r.Context())
	key, err := otp.NewKeyFromURL(s.sm.GetString(r.Context(), sessionTOTPSetup))
	if err != nil {
		http.Redirect(w, r, "/admin/account/2fa", http.StatusSeeOther)
		return nil
	}
	secret := key.Secret()
	f, err := newForm(r, "code", "current")
	if err != nil {
		return err
	}
	codes, err := s.svc.EnableTwoFactor(r.Context(), u.ID, f.Values["current"], secret, f.Get("code"), s.sm.Token(r.Context()))
	if err != nil {
		status, err := f.fail(s.lang(r), err)
		if err != nil {
			return err
		}
		return s.renderTOTPSetup(w, r, status, secret, key.URL(), f)
	}
	s.sm.Remove(r.Context(), sessionTOTPSetup)
	v, err := s.adminPage(r, s.lang(r).Text("title.two_factor_login_is"))
	if err != nil {
		return err
	}
	v.Data = totpSetup{Codes: codes}
	return s.renderAdmin(w, r, http.StatusOK, "totp_setup", v)
}

func (s *Server) disableTOTP(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r.Context())
	f, err := newForm(r, "code", "current")
	if err != nil {
		return err
	}
	// Turning protection off needs a code and the password, so a borrowed
	// session is not enough.
	if err := s.svc.VerifySecondFactor(r.Context(), u.ID, f.Get("code")); err != nil {
		if model.ErrorCode(err) == model.EINVALID {
			s.flash(r, "twofactor.code_not_right_so")
			http.Redirect(w, r, "/admin/account", http.StatusSeeOther)
			return nil
		}
		return err
	}
	if err := s.svc.DisableTwoFactor(r.Context(), u.ID, u.ID, f.Values["current"], s.sm.Token(r.Context())); err != nil {
		if model.ErrorCode(err) == model.EINVALID {
			s.flash(r, "twofactor.password_not_right_so")
			http.Redirect(w, r, "/admin/account", http.StatusSeeOther)
			return nil
		}
		return err
	}
	s.flash(r, "twofactor.two_factor_login_off")
	http.Redirect(w, r, "/admin/account", http.StatusSeeOther)
	return nil
}

// resetTOTP is the admin's way out for someone who lost their phone and
// their recovery codes.
func (s *Server) resetTOTP(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	if err := s.svc.DisableTwoFactor(r.Context(), currentUser(r.Context()).ID, id, "", ""); err != nil {
		return err
	}
	s.flash(r, "twofactor.two_factor_login_was")
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
	return nil
}
