package web

import (
	"html/template"
	"net/http"
	"net/netip"
	"strconv"

	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
)

// sharePage is the Data of /share: the letter form.
type sharePage struct {
	Info    service.ShareState
	Form    form
	Check   commentForm // the anti-spam part, shared with the comment form
	Inline  bool
	Consent []string
}

// consentChoices are the writer's choices; their words are the messages
// consent.KEY.
var consentChoices = []string{model.ConsentPublish, model.ConsentPrivate}

// share shows the letter form. The page is cached and the same for
// everyone; its per-visitor check comes from /check/new.png, as on story
// pages.
func (s *Server) share(w http.ResponseWriter, r *http.Request) error {
	f := form{Values: map[string]string{}, Errors: map[string]template.HTML{}}
	return s.renderShare(w, r, http.StatusOK, f, false)
}

func (s *Server) renderShare(w http.ResponseWriter, r *http.Request, status int, f form, inline bool) error {
	v, err := s.chrome(r.Context(), s.lang(r).Text("title.share_your_story"))
	if err != nil {
		return err
	}
	v.Description = s.lang(r).Text("share.description")
	check, err := s.commentForm(r, &model.Story{}, &f, inline)
	if err != nil {
		return err
	}
	info, err := s.svc.ShareInfo(r.Context())
	if err != nil {
		return err
	}
	if inline {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Robots-Tag", "noindex")
	}
	v.Canonical = s.baseURL + "/share"
	v.Data = sharePage{Info: info, Form: f, Check: check, Inline: inline, Consent: consentChoices}
	return s.render(w, r, status, "share", v)
}

// shareLetter takes a letter. On a mistake or a refused check the form
// comes back with the letter kept; otherwise the writer goes to their
// thread, whose secret link is theirs alone.
func (s *Server) shareLetter(w http.ResponseWriter, r *http.Request) error {
	f, err := newForm(r, "title", "body", "name", "email", "section", "consent", "website", "key", "answer")
	if err != nil {
		return err
	}
	key := f.Get("key")
	if key == "" {
		if c, err := r.Cookie(checkCookie); err == nil {
			key = c.Value
		}
	}
	section, _ := strconv.ParseInt(f.Get("section"), 10, 64)
	addr, _ := netip.ParseAddr(clientIP(r))
	shared, err := s.svc.ShareLetter(r.Context(), service.LetterInput{Title: f.Values["title"], Body: f.Values["body"],
		Name: f.Values["name"], Email: f.Values["email"], SectionID: section, Consent: f.Get("consent"),
		Visitor: service.Visitor{Addr: addr, Trap: f.Values["website"], Key: key, Answer: f.Get("answer")}})
	if err != nil {
		status, ferr := f.fail(s.lang(r), err)
		if ferr != nil {
			return ferr
		}
		f.Values["answer"], f.Values["key"] = "", ""
		return s.renderShare(w, r, status, f, true)
	}
	http.Redirect(w, r, "/letters/"+shared.Token+"?new=1", http.StatusSeeOther)
	return nil
}

// letterPage is the Data of a writer's thread.
type letterPage struct {
	Thread  *service.LetterThread
	Token   string
	New     bool
	Link    string
	Form    form
	Consent []string
	// Help is shown when the writer's words read as risk: lines for their
	// country, at once.
	Help *helpPage
}

// letter shows a writer's thread. It is private: never stored, indexed or
// sent as a referrer; an unknown link is a plain 404, and guessing is
// limited.
func (s *Server) letter(w http.ResponseWriter, r *http.Request) error {
	privatePage(w)
	token := r.PathValue("token")
	addr, _ := netip.ParseAddr(clientIP(r))
	th, err := s.svc.OpenLetter(r.Context(), token, addr)
	if err != nil {
		return err
	}
	return s.renderLetter(w, r, http.StatusOK, th, token, form{Values: map[string]string{}, Errors: map[string]template.HTML{}})
}

func (s *Server) renderLetter(w http.ResponseWriter, r *http.Request, status int, th *service.LetterThread, token string, f form) error {
	v, err := s.chrome(r.Context(), s.lang(r).Text("title.your_letter"))
	if err != nil {
		return err
	}
	privatePage(w)
	v.NoIndex = true
	page := letterPage{Thread: th, Token: token, New: r.URL.Query().Get("new") != "", Link: s.baseURL + "/letters/" + token,
		Form: f, Consent: consentChoices}
	if th.Letter.RiskTier > 0 && th.Letter.Status != model.LetterWithdrawn {
		h := s.readerHelp(nil, r)
		page.Help = &h
	}
	v.Data = page
	return s.render(w, r, status, "letter", v)
}

// letterAction takes the writer's follow-up, consent change or withdrawal.
func (s *Server) letterAction(w http.ResponseWriter, r *http.Request) error {
	privatePage(w)
	token := r.PathValue("token")
	f, err := newForm(r, "action", "body", "consent", "confirm", "keep_reply", "version", "message", "notify")
	if err != nil {
		return err
	}
	addr, _ := netip.ParseAddr(clientIP(r))
	switch f.Get("action") {
	case "followup":
		_, err = s.svc.WriteFollowUp(r.Context(), token, f.Values["body"], addr)
	case "consent":
		_, err = s.svc.SetLetterConsent(r.Context(), token, f.Get("consent"), addr)
	case "withdraw":
		if f.Get("confirm") == "" {
			err = &model.Error{Code: model.EINVALID, Message: "letter.tick_box_confirm_want",
				Fields: map[string]model.Msg{"confirm": model.M("letter.tick_confirm")}}
		} else {
			err = s.svc.WithdrawLetter(r.Context(), token, f.Get("keep_reply") != "", addr)
		}
	case service.AnswerApprove, service.AnswerChange, service.AnswerDecline:
		version, _ := strconv.ParseInt(f.Get("version"), 10, 64)
		_, err = s.svc.AnswerPublication(r.Context(), token, f.Get("action"), version, f.Values["message"], addr)
	case "notify":
		err = s.svc.SetCommentNotice(r.Context(), token, f.Get("notify") != "", addr)
	default:
		err = model.Errorf(model.EINVALID, "letter.unknown_action")
	}
	if err != nil {
		status, ferr := f.fail(s.lang(r), err)
		if ferr != nil {
			return ferr
		}
		th, terr := s.svc.OpenLetter(r.Context(), token, addr)
		if terr != nil {
			return terr
		}
		return s.renderLetter(w, r, status, th, token, f)
	}
	http.Redirect(w, r, "/letters/"+token, http.StatusSeeOther) // #nosec G710 -- a path of this site, made from an id or a slug
	return nil
}

// lostPage is the Data of the page where a writer asks for their links.
type lostPage struct {
	Form  form
	Check commentForm
	Sent  bool
}

func (s *Server) lostLinkForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderLost(w, r, http.StatusOK, form{Values: map[string]string{}, Errors: map[string]template.HTML{}}, false)
}

func (s *Server) renderLost(w http.ResponseWriter, r *http.Request, status int, f form, sent bool) error {
	check, err := s.commentForm(r, &model.Story{}, &f, true)
	if err != nil {
		return err
	}
	v, err := s.chrome(r.Context(), s.lang(r).Text("title.find_your_letter"))
	if err != nil {
		return err
	}
	privatePage(w)
	v.NoIndex = true
	v.Data = lostPage{Form: f, Check: check, Sent: sent}
	return s.render(w, r, status, "letter_lost", v)
}

// lostLink mails a writer the links to their letters. The answer is the
// same whether or not the address wrote to us.
func (s *Server) lostLink(w http.ResponseWriter, r *http.Request) error {
	f, err := newForm(r, "email", "website", "key", "answer")
	if err != nil {
		return err
	}
	addr, _ := netip.ParseAddr(clientIP(r))
	err = s.svc.ResendLinks(r.Context(), f.Values["email"], service.Visitor{Addr: addr, Trap: f.Values["website"],
		Key: f.Get("key"), Answer: f.Get("answer")})
	if err != nil {
		status, ferr := f.fail(s.lang(r), err)
		if ferr != nil {
			return ferr
		}
		return s.renderLost(w, r, status, f, false)
	}
	return s.renderLost(w, r, http.StatusOK, f, true)
}
