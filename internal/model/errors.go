// Package model holds Confide's plain domain types and its one coded error type.
// It imports nothing from the rest of the project, so every layer can use it.
package model

import (
	"errors"
	"fmt"
)

// Error codes. Handlers map each code to an HTTP status; the CLI maps them to
// exit statuses.
const (
	EINVALID   = "invalid"   // the input is wrong; Message says why
	ENOTFOUND  = "not_found" // the thing asked for does not exist or is hidden
	EFORBIDDEN = "forbidden" // the caller may not do this
	ECONFLICT  = "conflict"  // the change clashes with what is stored
	ELIMIT     = "limit"     // too many attempts; try later
	EGONE      = "gone"      // the thing was there and was taken away for good
	EBUSY      = "busy"      // the site is busy with this kind of work; try again in a moment
	EINTERNAL  = "internal"  // anything else; never shown to the visitor
)

// Error is an application error whose Message is safe to show to a visitor.
// Message is a message id of internal/i18n's files, written out in the
// site's language by the web layer, with Args (name/value pairs); Fields
// carries per-field messages for forms.
type Error struct {
	Code    string
	Message string
	Args    []any
	Fields  map[string]Msg
	Err     error // the cause, for logs only
}

// Describe writes a message in English for logs and the command line.
// internal/i18n sets it when it loads its files; until then, and in
// programs without it, the id stands for itself.
var Describe = func(id string, args []any) string {
	if len(args) > 0 {
		return id + fmt.Sprint(args)
	}
	return id
}

// Msg is a message id with its arguments (name/value pairs), for a form's
// field.
type Msg struct {
	ID   string
	Args []any
}

// M makes a Msg.
func M(id string, args ...any) Msg { return Msg{ID: id, Args: args} }

// Error implements the error interface.
func (e *Error) Error() string {
	msg := Describe(e.Message, e.Args)
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, msg, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, msg)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an Error with message id and its arguments, name/value
// pairs: Errorf(ENOTFOUND, "error.no_page", "Page", 7).
func Errorf(code, id string, args ...any) *Error {
	return &Error{Code: code, Message: id, Args: args}
}

// ErrorCode returns the code of the first *Error in err's chain, or EINTERNAL
// for any other non-nil error.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the id and arguments of err's visitor-safe message.
// Internal errors get a generic message so that their text never reaches a
// page.
func ErrorMessage(err error) (id string, args []any) {
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Message, e.Args
	}
	return "error.internal", nil
}

// ErrNotFound is the shared not-found error for lookups by key.
var ErrNotFound = &Error{Code: ENOTFOUND, Message: "error.not_found"}
