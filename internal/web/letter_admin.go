package web

import (
	"errors"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/confide/confide/internal/i18n"
	"github.com/confide/confide/internal/markup"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
)

// inboxPage is the Data of the advisors' inbox.
type inboxPage struct {
	Letters []model.Letter
	Page    model.Pagination
	Status  string
	Mine    bool
	BaseURL string
	States  []string
	Now     time.Time
	Share   service.ShareState
	CanStop bool           // the viewer may pause new letters
	Query   string         // a search over every letter, when set
	Message []model.Msg    // what the search left out of the query
	Failed  []model.MailIn // messages of the mailbox that could not be read
}

func (s *Server) adminLetters(w http.ResponseWriter, r *http.Request) error {
	n, err := pageParam(r)
	if err != nil {
		return err
	}
	if q := strings.TrimSpace(r.URL.Query().Get("q")); q != "" {
		return s.searchLetters(w, r, q, n)
	}
	status := r.URL.Query().Get("status")
	mine := r.URL.Query().Get("mine") != ""
	var who int64
	if mine {
		who = currentUser(r.Context()).ID
	}
	list, p, err := s.svc.Inbox(r.Context(), status, who, n)
	if err != nil {
		return err
	}
	v, err := s.adminPage(r, s.lang(r).Text("title.letters"))
	if err != nil {
		return err
	}
	base := "/admin/letters?status=" + status
	if mine {
		base += "&mine=1"
	}
	info, err := s.svc.ShareInfo(r.Context())
	if err != nil {
		return err
	}
	failed, err := s.svc.FailedMail(r.Context())
	if err != nil {
		return err
	}
	v.Data = inboxPage{Letters: list, Page: p, Status: status, Mine: mine, BaseURL: base, States: model.LetterStates, Now: s.now().UTC(),
		Share: info, CanStop: currentUser(r.Context()).Role.Can(model.PermSite), Failed: failed}
	return s.renderAdmin(w, r, http.StatusOK, "letters", v)
}

// searchLetters shows the letters matching q, in any state, newest first.
func (s *Server) searchLetters(w http.ResponseWriter, r *http.Request, q string, n int) error {
	list, p, msg, err := s.svc.SearchInbox(r.Context(), q, n)
	if err != nil {
		return err
	}
	v, err := s.adminPage(r, s.lang(r).Text("title.letters_search", "Query", q))
	if err != nil {
		return err
	}
	info, err := s.svc.ShareInfo(r.Context())
	if err != nil {
		return err
	}
	v.Data = inboxPage{Letters: list, Page: p, BaseURL: "/admin/letters?q=" + url.QueryEscape(q), States: model.LetterStates,
		Now: s.now().UTC(), Share: info, CanStop: currentUser(r.Context()).Role.Can(model.PermSite), Query: q, Message: msg}
	return s.renderAdmin(w, r, http.StatusOK, "letters", v)
}

// letterCase is the Data of a letter's page in the admin area.
type letterCase struct {
	Thread    *service.LetterThread
	Draft     *model.LetterDraft
	Newer     *model.LetterDraft    // another advisor's draft that a save would have overwritten
	Preview   template.HTML         // the reply rendered, after "Preview"
	Templates []model.ReplyTemplate // the advisor's own
	Advisors  []model.User
	States    []string
	Form      form
	Now       time.Time
}

func (s *Server) adminLetter(w http.ResponseWriter, r *http.Request) error {
	return s.renderLetterCase(w, r, http.StatusOK, form{Values: map[string]string{}, Errors: map[string]template.HTML{}}, letterCase{})
}

// renderLetterCase shows a letter's page; extra carries a preview or a
// newer draft. The reply editor holds what was typed, or the saved draft.
func (s *Server) renderLetterCase(w http.ResponseWriter, r *http.Request, status int, f form, extra letterCase) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	th, err := s.svc.AdminLetter(r.Context(), id)
	if err != nil {
		return err
	}
	users, err := s.svc.Users(r.Context())
	if err != nil {
		return err
	}
	var advisors []model.User
	for _, u := range users {
		if u.Role.Can(model.PermLetters) && !u.Disabled() {
			advisors = append(advisors, u)
		}
	}
	draft, err := s.svc.LetterDraft(r.Context(), id)
	if err != nil {
		return err
	}
	if _, typed := f.Values["reply"]; !typed {
		f.Values["reply"] = draft.Body
	}
	if extra.Newer != nil {
		draft = extra.Newer // the next save builds on the newer draft, on purpose
	}
	v, err := s.adminPage(r, s.lang(r).Text("title.letter"))
	if err != nil {
		return err
	}
	templates, err := s.svc.ReplyTemplates(r.Context(), currentUser(r.Context()).ID)
	if err != nil {
		return err
	}
	templates = append(templates, s.svc.BuiltinReplyTemplates(r.Context())...)
	v.Data = letterCase{Thread: th, Draft: draft, Newer: extra.Newer, Preview: extra.Preview, Templates: templates,
		Advisors: advisors, States: model.LetterStates, Form: f, Now: s.now().UTC()}
	return s.renderAdmin(w, r, status, "letter", v)
}

// letterCaseAction sends a reply, adds a note or changes the case.
func (s *Server) letterCaseAction(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	f, err := newForm(r, "action", "reply", "note", "status", "priority", "assignee", "version", "template", "risk")
	if err != nil {
		return err
	}
	actor := currentUser(r.Context()).ID
	version, _ := strconv.ParseInt(f.Get("version"), 10, 64)
	var msg string
	switch f.Get("action") {
	case "template":
		// The template goes at the end of the reply being written; nothing
		// is saved until the advisor saves or sends.
		tid, _ := strconv.ParseInt(f.Get("template"), 10, 64)
		tpl, err := s.svc.ReplyTemplate(r.Context(), actor, tid)
		if err != nil {
			f.Errors["template"] = tr(s.lang(r), "letter_admin.choose_template")
			return s.renderLetterCase(w, r, http.StatusBadRequest, f, letterCase{})
		}
		if text := strings.TrimRight(f.Values["reply"], "\n "); text != "" {
			f.Values["reply"] = text + "\n\n" + tpl.Body
		} else {
			f.Values["reply"] = tpl.Body
		}
		return s.renderLetterCase(w, r, http.StatusOK, f, letterCase{})
	case "preview":
		return s.renderLetterCase(w, r, http.StatusOK, f, letterCase{Preview: markup.Markdown(f.Values["reply"])})
	case "draft":
		d, err := s.svc.SaveLetterDraft(r.Context(), actor, id, f.Values["reply"], version)
		if r.Header.Get("X-Autosave") != "" {
			return autosaveAnswer(w, d, err)
		}
		var conflict *service.DraftConflict
		if errors.As(err, &conflict) {
			status, _ := f.fail(s.lang(r), err)
			return s.renderLetterCase(w, r, status, f, letterCase{Newer: conflict.Draft})
		}
		msg = "letter_admin.draft_saved"
	case "reply":
		err, msg = s.svc.ReplyToLetter(r.Context(), actor, id, f.Values["reply"]), "letter_admin.reply_sent"
	case "note":
		err, msg = s.svc.AddLetterNote(r.Context(), actor, id, f.Values["note"]), "letter_admin.note_added"
	case "case":
		priority, _ := strconv.Atoi(f.Get("priority"))
		assignee, _ := strconv.ParseInt(f.Get("assignee"), 10, 64)
		err, msg = s.svc.UpdateLetterCase(r.Context(), actor, id, f.Get("status"), priority, assignee), "letter_admin.saved"
		if err == nil && f.Get("risk") != "" {
			err = s.svc.SetLetterRisk(r.Context(), actor, id, f.Get("risk"))
		}
	default:
		err = model.Errorf(model.EINVALID, "letter.unknown_action")
	}
	if err != nil {
		status, ferr := f.fail(s.lang(r), err)
		if ferr != nil {
			return ferr
		}
		return s.renderLetterCase(w, r, status, f, letterCase{})
	}
	s.flash(r, msg)
	http.Redirect(w, r, "/admin/letters/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

// autosaveAnswer answers the editor's script, which saves the draft as the
// advisor types: 204 with the new version, or 409 with the reason.
func autosaveAnswer(w http.ResponseWriter, d *model.LetterDraft, err error) error {
	w.Header().Set("Cache-Control", "no-store")
	if err != nil {
		if model.ErrorCode(err) == model.EINTERNAL {
			return err
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(statusOf(err))
		id, args := model.ErrorMessage(err)
		io.WriteString(w, i18n.Get(i18n.Default).Text(id, args...)) // #nosec G104 G705 -- text/plain, a message of ours; a client gone is no error to handle
		return nil
	}
	w.Header().Set("X-Draft-Version", strconv.FormatInt(d.Version, 10))
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// pauseLetters pauses or resumes new letters (holidays).
func (s *Server) pauseLetters(w http.ResponseWriter, r *http.Request) error {
	f, err := newForm(r, "paused", "message")
	if err != nil {
		return err
	}
	paused := f.Get("paused") == "on"
	if err := s.svc.SetLettersPaused(r.Context(), currentUser(r.Context()).ID, paused, f.Values["message"]); err != nil {
		return err
	}
	if paused {
		s.flash(r, "letter_admin.new_letters_paused_share")
	} else {
		s.flash(r, "letter_admin.new_letters_welcome_again")
	}
	http.Redirect(w, r, "/admin/letters", http.StatusSeeOther)
	return nil
}
