package planner

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"
)

// This file is the only one that calls xwb1989/sqlparser's parser; the rest
// of the planner reads its AST.

// parserError matches the parser's error text: "syntax error at position
// 23 near 'from'".
var parserError = regexp.MustCompile(`^(.*) at position (\d+)(?: near '(.*)')?$`)

// parse parses the rewritten statement. Errors carry positions in the
// user's text.
func parse(src *source) (sqlparser.Statement, error) {
	stmt, err := sqlparser.Parse(src.text)
	if err == nil {
		return stmt, nil
	}
	m := parserError.FindStringSubmatch(err.Error())
	if m == nil {
		return nil, &SyntaxError{Msg: err.Error()}
	}
	// The parser reports the offset just past the token it choked on.
	pos, _ := strconv.Atoi(m[2])
	pos = min(max(pos, 0), len(src.text))
	near := m[3]
	if near != "" {
		// The parser may have read the blanks after the token too.
		end := len(strings.TrimRight(src.text[:pos], " \t\r\n"))
		if end >= len(near) && strings.EqualFold(src.text[end-len(near):end], near) {
			pos = end - len(near)
		}
	}
	msg := ""
	if pos >= len(src.text) || strings.TrimSpace(src.text[pos:]) == "" {
		msg = "the statement ends too early"
	}
	se := src.errorAt(pos, msg)
	if near != "" {
		se.Near = near
	}
	return nil, se
}
