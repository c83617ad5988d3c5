package planner

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// SyntaxError reports SQL hopsql cannot read, with the position in the text
// the user wrote.
type SyntaxError struct {
	// Pos is the byte offset in the statement; Line and Column (1-based)
	// locate it for people.
	Pos          int
	Line, Column int
	// Msg says what is wrong; Near quotes the text at Pos.
	Msg  string
	Near string
}

func (e *SyntaxError) Error() string {
	var b strings.Builder
	b.WriteString("syntax error")
	if e.Line > 0 {
		fmt.Fprintf(&b, " at line %d, column %d", e.Line, e.Column)
	}
	if e.Near != "" {
		fmt.Fprintf(&b, " near %q", e.Near)
	}
	if e.Msg != "" {
		b.WriteString(": ")
		b.WriteString(e.Msg)
	}
	return b.String()
}

// locate fills Line, Column and Near from the statement text.
func (e *SyntaxError) locate(sql string) *SyntaxError {
	if e.Pos < 0 {
		e.Pos = 0
	}
	if e.Pos > len(sql) {
		e.Pos = len(sql)
	}
	e.Line = 1 + strings.Count(sql[:e.Pos], "\n")
	e.Column = 1 + e.Pos - (strings.LastIndexByte(sql[:e.Pos], '\n') + 1)
	if e.Near == "" {
		near := sql[e.Pos:]
		if i := strings.IndexByte(near, '\n'); i >= 0 {
			near = near[:i]
		}
		if len(near) > 24 {
			near = near[:24] + "..."
		}
		e.Near = strings.TrimSpace(near)
	}
	return e
}

// Statement is one SQL statement of a script, as SplitStatements finds it.
type Statement struct {
	// SQL is the statement's text without the terminating semicolon.
	SQL string
	// Offset is where SQL starts in the script.
	Offset int
}

// SplitStatements splits a script at the semicolons that end statements,
// ignoring those inside strings, quoted names and comments. Statements that
// hold nothing but space and comments are dropped. It fails on an
// unterminated string, quoted name or comment.
func SplitStatements(script string) ([]Statement, error) {
	toks, err := lex(script)
	if err != nil {
		var se *SyntaxError
		if asSyntax(err, &se) {
			se.locate(script)
		}
		return nil, err
	}
	var out []Statement
	start, meaningful := 0, false
	flush := func(end int) {
		if meaningful {
			out = append(out, Statement{SQL: script[start:end], Offset: start})
		}
		meaningful = false
	}
	for _, t := range toks {
		switch {
		case t.kind == tokOp && t.text(script) == ";":
			flush(t.start)
			start = t.end
		case !t.trivia():
			meaningful = true
		}
	}
	flush(len(script))
	return out, nil
}

// Complete reports whether script ends a statement: its last meaningful
// token is a semicolon outside strings and comments. A REPL uses it to know
// when to stop reading lines.
func Complete(script string) bool {
	toks, err := lex(script)
	if err != nil {
		return false
	}
	for i := len(toks) - 1; i >= 0; i-- {
		if toks[i].trivia() {
			continue
		}
		return toks[i].kind == tokOp && toks[i].text(script) == ";"
	}
	return false
}

// source is a statement rewritten for the parser, with a map from offsets
// in the rewritten text back to the user's text.
type source struct {
	orig string // what the user wrote
	text string // what the parser reads
	// edits lists rewritten spans in order.
	edits []edit

	explain, analyze bool
}

// edit replaced orig[from:to] with text placed at out in the rewritten text.
type edit struct {
	from, to int
	out      int
	text     string
}

// origPos maps an offset in the rewritten text to the user's text: inside
// a rewritten span it is the span's start, after it it moves by the
// difference in length of every span before it.
func (s *source) origPos(p int) int {
	delta := 0
	for _, e := range s.edits {
		if p < e.out {
			break
		}
		if p < e.out+len(e.text) {
			return e.from
		}
		delta += (e.to - e.from) - len(e.text)
	}
	return p + delta
}

// errorAt makes a SyntaxError at an offset of the rewritten text.
func (s *source) errorAt(p int, msg string) *SyntaxError {
	return (&SyntaxError{Pos: s.origPos(p), Msg: msg}).locate(s.orig)
}

// prepare lexes one statement and rewrites what xwb1989/sqlparser cannot
// read: feature group names written project::fg_version (the parser takes a
// colon for a bind variable) become one quoted identifier, and a leading
// EXPLAIN [ANALYZE] is taken off and remembered.
func prepare(sql string) (*source, error) {
	toks, err := lex(sql)
	if err != nil {
		var se *SyntaxError
		if asSyntax(err, &se) {
			se.locate(sql)
		}
		return nil, err
	}
	src := &source{orig: sql}
	// Indices of the meaningful tokens.
	var sig []int
	for i, t := range toks {
		if !t.trivia() {
			sig = append(sig, i)
		}
	}
	if len(sig) == 0 {
		return nil, (&SyntaxError{Pos: len(sql), Msg: "empty statement"}).locate(sql)
	}
	skip := 0 // meaningful tokens taken off the front
	if w := toks[sig[0]]; w.kind == tokIdent && strings.EqualFold(w.text(sql), "explain") {
		src.explain = true
		skip = 1
		if len(sig) > 1 {
			if w := toks[sig[1]]; w.kind == tokIdent && strings.EqualFold(w.text(sql), "analyze") {
				src.analyze = true
				skip = 2
			}
		}
		if len(sig) == skip {
			return nil, (&SyntaxError{Pos: len(sql), Msg: "EXPLAIN needs a statement to explain"}).locate(sql)
		}
	}
	var edits []edit
	if skip > 0 {
		edits = append(edits, edit{from: 0, to: toks[sig[skip]].start})
	}
	rw := &rewriter{sql: sql, toks: toks, sig: sig, edits: edits}
	if err := rw.run(skip); err != nil {
		return nil, err
	}
	edits = rw.edits
	// Insertions sort before replacements that start where they do.
	sort.SliceStable(edits, func(i, j int) bool {
		if edits[i].from != edits[j].from {
			return edits[i].from < edits[j].from
		}
		return edits[i].to < edits[j].to
	})
	for i := 1; i < len(edits); i++ {
		if edits[i].from < edits[i-1].to {
			return nil, (&SyntaxError{Pos: edits[i].from, Msg: "cannot read this combination of constructs; simplify it"}).locate(sql)
		}
	}
	var b strings.Builder
	last := 0
	for i := range edits {
		b.WriteString(sql[last:edits[i].from])
		edits[i].out = b.Len()
		b.WriteString(edits[i].text)
		last = edits[i].to
	}
	b.WriteString(sql[last:])
	src.text = b.String()
	src.edits = edits
	return src, nil
}

// isName reports whether t can be half of a project::fg name: a quoted
// identifier, or a bare word that is not a keyword that could stand there.
func isName(t token, sql string) bool {
	switch t.kind {
	case tokQuoted:
		return true
	case tokIdent:
		return !nameKeywords[strings.ToLower(t.text(sql))]
	}
	return false
}

// nameKeywords are the words that can stand right before or after a table
// name, and so are never read as a project or feature group name.
var nameKeywords = map[string]bool{
	"select": true, "from": true, "join": true, "on": true, "using": true, "where": true,
	"and": true, "or": true, "not": true, "as": true, "left": true, "right": true,
	"inner": true, "outer": true, "cross": true, "natural": true, "straight_join": true,
	"group": true, "order": true, "by": true, "having": true, "limit": true, "union": true,
	"in": true, "is": true, "like": true, "between": true, "case": true, "when": true,
	"then": true, "else": true, "end": true, "describe": true, "desc": true, "explain": true,
	"table": true, "into": true, "update": true, "set": true, "exists": true, "distinct": true,
}

func nameText(t token, sql string) string {
	if t.kind == tokQuoted {
		return unquoteIdent(t.text(sql))
	}
	return t.text(sql)
}

func asSyntax(err error, target **SyntaxError) bool { return errors.As(err, target) }
