package web

import (
	"net/http"

	"github.com/confide/confide/internal/model"
)

// subscriptionPage is the Data of the confirm and unsubscribe pages. Both
// ask for a button press (POST): mail scanners open links, and must not
// confirm or end anything by doing so.
type subscriptionPage struct {
	Action string // "confirm" or "unsubscribe"
	Token  string
	Done   bool
	Story  *model.Story
}

func (s *Server) subscriptionForm(action string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		token := r.URL.Query().Get("t")
		if action == "confirm" {
			if _, err := s.svc.Subscription(r.Context(), token); err != nil {
				return errBadLink
			}
		}
		return s.renderSubscription(w, r, subscriptionPage{Action: action, Token: token})
	}
}

func (s *Server) renderSubscription(w http.ResponseWriter, r *http.Request, d subscriptionPage) error {
	title := s.lang(r).Text("title.replies_by_email")
	v, err := s.chrome(r.Context(), title)
	if err != nil {
		return err
	}
	privatePage(w)
	v.Data = d
	return s.render(w, r, http.StatusOK, "subscription", v)
}

// confirmSubscription confirms an address: from now on it hears of replies.
func (s *Server) confirmSubscription(w http.ResponseWriter, r *http.Request) error {
	f, err := newForm(r, "t")
	if err != nil {
		return err
	}
	sub, err := s.svc.ConfirmSubscription(r.Context(), f.Get("t"))
	if err != nil {
		if model.ErrorCode(err) == model.ENOTFOUND {
			return errBadLink
		}
		return err
	}
	d := subscriptionPage{Action: "confirm", Done: true}
	if slug, err := s.svc.StorySlugByID(r.Context(), sub.StoryID); err == nil {
		d.Story = &model.Story{Slug: slug}
	}
	return s.renderSubscription(w, r, d)
}

// unsubscribe ends a subscription: from the page's button, or in one click
// from a mail program (RFC 8058 posts "List-Unsubscribe=One-Click" to the
// link in the List-Unsubscribe header, with the token in the query).
func (s *Server) unsubscribe(w http.ResponseWriter, r *http.Request) error {
	f, err := newForm(r, "t")
	if err != nil {
		return err
	}
	token := f.Get("t")
	if token == "" {
		token = r.URL.Query().Get("t")
	}
	if err := s.svc.Unsubscribe(r.Context(), token); err != nil {
		if model.ErrorCode(err) == model.ENOTFOUND {
			return errBadLink
		}
		return err
	}
	if r.PostForm.Get("List-Unsubscribe") == "One-Click" {
		w.WriteHeader(http.StatusOK)
		return nil
	}
	return s.renderSubscription(w, r, subscriptionPage{Action: "unsubscribe", Done: true})
}
