package web

import (
	"errors"
	"html/template"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/confide/confide/internal/i18n"
	"github.com/confide/confide/internal/model"
)

// form carries a submitted form's values back to its template with the
// per-field error messages, so nothing typed is lost on a mistake.
//
// The messages are written out in the site's language when the form fails
// (see fail); a handler that finds a mistake itself uses note.
type form struct {
	Values map[string]string
	Errors map[string]template.HTML
	Error  template.HTML // the form-level message
}

func newForm(r *http.Request, fields ...string) (form, error) {
	f := form{Values: map[string]string{}, Errors: map[string]template.HTML{}}
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return f, err
		}
		return f, model.Errorf(model.EINVALID, "comment_admin.form_could_not_read")
	}
	for _, name := range fields {
		vs := r.PostForm[name]
		if len(vs) > 1 {
			// No form of the site sends a field twice: a tool or an
			// attack does, hoping one check reads the first and another
			// the last.
			return f, model.Errorf(model.EINVALID, "form.form_sent_one_its")
		}
		if len(vs) == 1 {
			// Word processors put a vertical tab or a form feed where a
			// line ends; pasted into a letter they mean just that.
			v := pastedBreaks.Replace(vs[0])
			if err := plainText(v); err != nil {
				return f, err
			}
			f.Values[name] = v
		}
	}
	return f, nil
}

var pastedBreaks = strings.NewReplacer("\v", "\n", "\f", "\n")

// plainText refuses what no person types into a form: bytes that are not
// UTF-8, and control characters other than tabs and line breaks (a NUL
// ends strings in C code and logs; the others hide text).
func plainText(v string) error {
	if !utf8.ValidString(v) {
		return model.Errorf(model.EINVALID, "form.form_held_text_encoding")
	}
	for _, r := range v {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f || r >= 0x80 && r < 0xa0 {
			return model.Errorf(model.EINVALID, "form.form_held_characters_not")
		}
	}
	return nil
}

// Get returns a value, trimmed.
func (f form) Get(name string) string { return strings.TrimSpace(f.Values[name]) }

// fail fills the form's messages from an application error and returns the
// status to answer with; internal errors are returned for the error page.
func (f *form) fail(l *i18n.Lang, err error) (int, error) {
	var e *model.Error
	if !errors.As(err, &e) || e.Code == model.EINTERNAL {
		return 0, err
	}
	f.Error = tr(l, e.Message, e.Args...)
	for k, v := range e.Fields {
		f.Errors[k] = tr(l, v.ID, v.Args...)
	}
	return statusOf(err), nil
}

// tr is message id in language l, as HTML (see i18n.Lang.T).
func tr(l *i18n.Lang, id string, args ...any) template.HTML {
	return template.HTML(l.T(id, args...)) // #nosec G203 -- messages are our own files; every value put in them is escaped by T
}
