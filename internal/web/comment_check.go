package web

import (
	"bytes"
	"image"
	"image/png"
	"net/http"
	"strings"

	"github.com/dchest/captcha"

	"github.com/confide/confide/internal/model"
)

// The per-visitor part of the comment form. Story pages are cached and the
// same for everyone, so the CAPTCHA picture is its own request: it issues a
// new challenge, draws it, and leaves its signed key in a cookie that the
// form's post brings back. It works without JavaScript. With the CAPTCHA
// off, the same request answers a transparent pixel, so the form key (and
// the time the form was opened) still comes with the post.

// CAPTCHA picture size: readable on a phone, small to send.
const captchaWidth, captchaHeight = 240, 80

// transparentPNG is a 1×1 transparent PNG.
var transparentPNG = func() []byte {
	var buf bytes.Buffer
	png.Encode(&buf, image.NewNRGBA(image.Rect(0, 0, 1, 1))) // #nosec G104 -- into a bytes.Buffer, which cannot fail
	return buf.Bytes()
}()

// checkImage issues a new challenge for the visitor and draws it.
func (s *Server) checkImage(w http.ResponseWriter, r *http.Request) error {
	ch, err := s.svc.NewChallenge(r.Context())
	if err != nil {
		return err
	}
	s.setCheckCookie(w, ch.Key)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "image/png")
	if ch.ID == "" {
		w.Write(transparentPNG) // #nosec G104 -- writing the answer: a visitor who left is no error to handle
		return nil
	}
	return s.drawChallenge(w, r, ch.ID)
}

// checkImageByID draws a challenge already issued (pages that carry their
// own challenge, after an error).
func (s *Server) checkImageByID(w http.ResponseWriter, r *http.Request) error {
	id, ok := strings.CutSuffix(r.PathValue("file"), ".png")
	if !ok {
		if id, ok = strings.CutSuffix(r.PathValue("file"), ".wav"); ok {
			return s.sayChallenge(w, r, id)
		}
		return errNotFound
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.drawChallenge(w, r, id)
}

func (s *Server) drawChallenge(w http.ResponseWriter, r *http.Request, id string) error {
	digits, err := s.svc.ChallengeDigits(r.Context(), id)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if _, err := captcha.NewImage(id, digits, captchaWidth, captchaHeight).WriteTo(&buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	w.Write(buf.Bytes()) // #nosec G104 -- writing the answer: a visitor who left is no error to handle
	return nil
}

// checkAudio says the digits of the visitor's current challenge (the one in
// the cookie), for those who cannot see the picture.
func (s *Server) checkAudio(w http.ResponseWriter, r *http.Request) error {
	c, err := r.Cookie(checkCookie)
	if err != nil {
		return model.Errorf(model.ENOTFOUND, "comment_check.there_no_check_listen")
	}
	id, ok := s.svc.ChallengeID(c.Value)
	if !ok {
		return errNotFound
	}
	return s.sayChallenge(w, r, id)
}

func (s *Server) sayChallenge(w http.ResponseWriter, r *http.Request, id string) error {
	digits, err := s.svc.ChallengeDigits(r.Context(), id)
	if err != nil {
		return model.Errorf(model.ENOTFOUND, "comment_check.check_has_expired_reload")
	}
	var buf bytes.Buffer
	if _, err := captcha.NewAudio(id, digits, "en").WriteTo(&buf); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "audio/x-wav")
	w.Write(buf.Bytes()) // #nosec G104 -- writing the answer: a visitor who left is no error to handle
	return nil
}
