package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/confide/confide/internal/model"
)

// form carries a submitted form's values back to its template with the
// per-field error messages, so nothing typed is lost on a mistake.
type form struct {
	Values map[string]string
	Errors map[string]string
	Error  string // the form-level message
}

func newForm(r *http.Request, fields ...string) (form, error) {
	f := form{Values: map[string]string{}, Errors: map[string]string{}}
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return f, err
		}
		return f, model.Errorf(model.EINVALID, "The form could not be read. Please try again.")
	}
	for _, name := range fields {
		f.Values[name] = r.PostForm.Get(name)
	}
	return f, nil
}

// Get returns a value, trimmed.
func (f form) Get(name string) string { return strings.TrimSpace(f.Values[name]) }

// fail fills the form's messages from an application error and returns the
// status to answer with; internal errors are returned for the error page.
func (f *form) fail(err error) (int, error) {
	var e *model.Error
	if !errors.As(err, &e) || e.Code == model.EINTERNAL {
		return 0, err
	}
	f.Error = e.Message
	for k, v := range e.Fields {
		f.Errors[k] = v
	}
	return statusOf(err), nil
}
