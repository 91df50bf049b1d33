package web

import (
	"html/template"
	"net/http"
	"net/netip"

	"github.com/confide/confide/internal/model"
)

// reportPage is the Data of the page where a reader reports a comment.
type reportPage struct {
	Comment *model.Comment
	Reasons []string
	Form    form
	Done    bool
	Risk    bool // the reader said the writer may be at risk
}

func (s *Server) reportForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderReport(w, r, http.StatusOK, form{Values: map[string]string{}, Errors: map[string]template.HTML{}}, false)
}

func (s *Server) renderReport(w http.ResponseWriter, r *http.Request, status int, f form, done bool) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	c, err := s.svc.Comment(r.Context(), id)
	if err != nil {
		return err
	}
	if c.Status != model.CommentApproved {
		return errNotFound
	}
	v, err := s.chrome(r.Context(), s.lang(r).Text("title.report_a_comment"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Robots-Tag", "noindex")
	v.Data = reportPage{Comment: c, Reasons: model.ReportReasons, Form: f, Done: done, Risk: f.Get("reason") == "risk"}
	return s.render(w, r, status, "comment_report", v)
}

func (s *Server) reportComment(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	f, err := newForm(r, "reason", "note")
	if err != nil {
		return err
	}
	addr, _ := netip.ParseAddr(clientIP(r))
	if err := s.svc.ReportComment(r.Context(), id, f.Get("reason"), f.Values["note"], addr); err != nil {
		status, ferr := f.fail(s.lang(r), err)
		if ferr != nil {
			return ferr
		}
		return s.renderReport(w, r, status, f, false)
	}
	return s.renderReport(w, r, http.StatusOK, f, true)
}
