package planner

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNotSupported is wrapped by errors for SQL that hopsql reads but does not
// run yet.
var ErrNotSupported = errors.New("not supported yet")

// Error is a semantic error in a statement (an unknown column, mismatched
// types), located in the user's text when the position is known.
type Error struct {
	// Line and Column (1-based) locate the problem; zero when unknown.
	Line, Column int
	Msg          string
	// Err is the underlying error, if any (catalog errors, ErrNotSupported).
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d, column %d: ", e.Line, e.Column)
	}
	b.WriteString(e.Msg)
	if e.Err != nil {
		if e.Msg != "" {
			b.WriteString(": ")
		}
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// find returns the offset in the user's text of the first identifier
// token equal to name (case-insensitive), or -1.
func (s *source) find(name string) int {
	toks, err := lex(s.orig)
	if err != nil {
		return -1
	}
	for _, t := range toks {
		var text string
		switch t.kind {
		case tokIdent:
			text = t.text(s.orig)
		case tokQuoted:
			text = unquoteIdent(t.text(s.orig))
		default:
			continue
		}
		if strings.EqualFold(text, name) {
			return t.start
		}
	}
	// Names written project::fg are several tokens.
	if i := strings.Index(strings.ToLower(s.orig), strings.ToLower(name)); i >= 0 {
		return i
	}
	return -1
}

// errorf makes an Error located at the first occurrence of near in the
// statement (anywhere when near is empty or not found).
func (s *source) errorf(near string, err error, format string, args ...any) *Error {
	e := &Error{Msg: fmt.Sprintf(format, args...), Err: err}
	if near != "" {
		if p := s.find(near); p >= 0 {
			se := (&SyntaxError{Pos: p}).locate(s.orig)
			e.Line, e.Column = se.Line, se.Column
		}
	}
	return e
}

func notSupported(s *source, near, what string) error {
	return s.errorf(near, ErrNotSupported, "%s", what)
}
