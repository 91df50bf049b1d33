package web

import (
	"context"
	"errors"
	"html/template"
	"log/slog"
	"net/http"

	"github.com/confide/confide/internal/model"
)

// handlerFunc is a handler that returns its error instead of writing it, so
// that every error is turned into a page in one place.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (s *Server) handle(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if info := infoOf(r.Context()); info != nil {
			info.pattern = r.Pattern // for the log line: the route, not the path
		}
		if err := h(w, r); err != nil {
			s.renderError(w, r, err)
		}
	})
}

var errNotFound = model.ErrNotFound

var errBadLink = model.Errorf(model.EFORBIDDEN, "errors.link_not_valid_any")

var forbiddenCrossOrigin = model.Errorf(model.EFORBIDDEN,
	"errors.form_was_sent_from")

// statusClientGone is nginx's status for a request whose client closed the
// connection before the answer was ready.
const statusClientGone = 499

// statusOf maps an application error code to an HTTP status.
func statusOf(err error) int {
	switch model.ErrorCode(err) {
	case model.EINVALID:
		return http.StatusBadRequest
	case model.ENOTFOUND:
		return http.StatusNotFound
	case model.EFORBIDDEN:
		return http.StatusForbidden
	case model.ECONFLICT:
		return http.StatusConflict
	case model.ELIMIT:
		return http.StatusTooManyRequests
	case model.EGONE:
		return http.StatusGone
	case model.EBUSY:
		return http.StatusServiceUnavailable
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// errorPage is the Data of the error template.
type errorPage struct {
	Status  int
	Heading template.HTML
	Message template.HTML
}

// renderError shows err as a page with the site's layout. Internal errors are
// logged with the request id and shown as a generic message: their text never
// reaches the visitor.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		// The visitor left before the page was ready: nothing went wrong
		// and nobody will read a page. 499 is what the access log shows
		// for it, as nginx does.
		s.log.LogAttrs(r.Context(), slog.LevelDebug, "client gone", slog.String("path", r.URL.Path))
		w.WriteHeader(statusClientGone)
		return
	}
	status := statusOf(err)
	msg, args := model.ErrorMessage(err)
	if status == http.StatusInternalServerError && (errors.Is(err, context.DeadlineExceeded) || r.Context().Err() == context.DeadlineExceeded) {
		// The request's time budget ran out (see requestBudget): the
		// database was told to stop, and the visitor may simply try again.
		status, msg, args = http.StatusServiceUnavailable, "error.too_slow", nil
		s.log.LogAttrs(r.Context(), slog.LevelWarn, "request over its time budget",
			slog.String("id", requestID(r.Context())), slog.String("path", r.URL.Path), slog.Any("err", err))
	}
	if status == http.StatusInternalServerError && s.unavailable(err) {
		// The database is down or restarting: nothing is wrong with the
		// request, and it will work again in a moment.
		status, msg, args = http.StatusServiceUnavailable, "error.unavailable", nil
		s.log.LogAttrs(r.Context(), slog.LevelError, "database unavailable (stopped, unreachable or its disk full)",
			slog.String("id", requestID(r.Context())), slog.String("path", r.URL.Path), slog.Any("err", err))
	}
	heading := "error.heading"
	switch status {
	case http.StatusServiceUnavailable:
		heading = "error.heading_busy"
		w.Header().Set("Retry-After", "2")
	case http.StatusNotFound:
		heading = "error.heading_not_found"
	case http.StatusGone:
		heading = "error.heading_gone"
	case http.StatusRequestEntityTooLarge:
		msg, args = "error.too_long", nil
	case http.StatusInternalServerError:
		s.log.LogAttrs(r.Context(), slog.LevelError, "internal error",
			slog.String("id", requestID(r.Context())), slog.String("path", r.URL.Path), slog.Any("err", err))
	}
	l := s.lang(r)
	ep := errorPage{Status: status, Heading: tr(l, heading), Message: tr(l, msg, args...)}
	v, cerr := s.chrome(r.Context(), l.Text(heading))
	if cerr != nil {
		// The database may be what failed: fall back to a page without it.
		v = &view{Site: model.DefaultSettings(), Title: l.Text(heading), CSS: s.assets.cssURL, JS: s.assets.jsURL, Now: s.now().UTC()}
	}
	v.Data = ep
	if rerr := s.render(w, r, status, "error", v); rerr != nil {
		s.log.Error("render error page", "id", requestID(r.Context()), "err", rerr)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte(l.Text("error.internal") + "\n")) // #nosec G104 G705 -- text/plain, a message of ours; a visitor who left is no error to handle
	}
}

// notFound answers every address no route has: an old address of an
// imported site is redirected, anything else is a 404 page.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) error {
	return s.oldLink(w, r)
}
