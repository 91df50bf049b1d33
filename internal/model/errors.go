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
// Fields carries per-field messages for forms.
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
	Err     error // the cause, for logs only
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an Error with a formatted, visitor-safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
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

// ErrorMessage returns the visitor-safe message of err. Internal errors get a
// generic message so that their text never reaches a page.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Message
	}
	return "Something went wrong on our side. Please try again in a moment."
}

// ErrNotFound is the shared not-found error for lookups by key.
var ErrNotFound = &Error{Code: ENOTFOUND, Message: "We could not find that page."}
