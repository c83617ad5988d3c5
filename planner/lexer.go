package planner

import (
	"fmt"
	"strings"
)

// tokenKind classifies a lexical token of hopsql's SQL.
type tokenKind int

const (
	tokSpace   tokenKind = iota // white space
	tokComment                  // -- to end of line, # to end of line, /* ... */
	tokIdent                    // a bare word: name or keyword
	tokQuoted                   // a `backquoted` identifier
	tokString                   // a 'single' or "double" quoted string
	tokNumber                   // 12, 1.5, .5, 1e3
	tokOp                       // operators and punctuation, including ::
	tokParam                    // ?
)

// token is a piece of the SQL text, [start, end) in bytes.
type token struct {
	kind       tokenKind
	start, end int
}

func (t token) text(src string) string { return src[t.start:t.end] }

// trivia reports whether the token carries no meaning for the grammar.
func (t token) trivia() bool { return t.kind == tokSpace || t.kind == tokComment }

// multi-character operators, longest first.
var operators = []string{"<=>", "::", "<=", ">=", "<>", "!=", "||", "&&", ":=", "<<", ">>"}

// lex splits src into tokens covering all of it. It fails only on
// unterminated strings, quoted identifiers and comments.
func lex(src string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(src) {
		start := i
		c := src[i]
		var kind tokenKind
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			for i < len(src) && strings.IndexByte(" \t\n\r\f", src[i]) >= 0 {
				i++
			}
			kind = tokSpace
		case c == '#' || c == '-' && strings.HasPrefix(src[i:], "--") && (i+2 == len(src) || strings.IndexByte(" \t\n\r", src[i+2]) >= 0):
			for i < len(src) && src[i] != '\n' {
				i++
			}
			kind = tokComment
		case c == '/' && strings.HasPrefix(src[i:], "/*"):
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return nil, &SyntaxError{Pos: i, Msg: "comment is not closed: add */"}
			}
			i += 2 + end + 2
			kind = tokComment
		case c == '\'' || c == '"':
			end, err := scanQuoted(src, i, c, true)
			if err != nil {
				return nil, err
			}
			i = end
			kind = tokString
		case c == '`':
			end, err := scanQuoted(src, i, c, false)
			if err != nil {
				return nil, err
			}
			i = end
			kind = tokQuoted
		case isDigit(c) || c == '.' && i+1 < len(src) && isDigit(src[i+1]):
			i = scanNumber(src, i)
			kind = tokNumber
		case isIdentStart(c):
			for i < len(src) && isIdentPart(src[i]) {
				i++
			}
			kind = tokIdent
		case c == '?':
			i++
			kind = tokParam
		default:
			kind = tokOp
			i++
			for _, op := range operators {
				if strings.HasPrefix(src[start:], op) {
					i = start + len(op)
					break
				}
			}
		}
		toks = append(toks, token{kind: kind, start: start, end: i})
	}
	return toks, nil
}

// scanQuoted returns the end of the quoted token starting at i. A doubled
// quote stands for itself; in strings a backslash escapes the next byte.
func scanQuoted(src string, i int, q byte, backslash bool) (int, error) {
	j := i + 1
	for j < len(src) {
		switch src[j] {
		case '\\':
			if backslash {
				j += 2
				continue
			}
		case q:
			if j+1 < len(src) && src[j+1] == q {
				j += 2
				continue
			}
			return j + 1, nil
		}
		j++
	}
	what := "string"
	if q == '`' {
		what = "quoted identifier"
	}
	return 0, &SyntaxError{Pos: i, Msg: fmt.Sprintf("%s is not closed: add %c", what, q)}
}

func scanNumber(src string, i int) int {
	for i < len(src) && isDigit(src[i]) {
		i++
	}
	if i < len(src) && src[i] == '.' {
		i++
		for i < len(src) && isDigit(src[i]) {
			i++
		}
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		j := i + 1
		if j < len(src) && (src[j] == '+' || src[j] == '-') {
			j++
		}
		if j < len(src) && isDigit(src[j]) {
			i = j
			for i < len(src) && isDigit(src[i]) {
				i++
			}
		}
	}
	return i
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isIdentStart(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isIdentPart(c byte) bool { return isIdentStart(c) || isDigit(c) }

// unquoteIdent returns the name inside a backquoted identifier.
func unquoteIdent(s string) string {
	return strings.ReplaceAll(s[1:len(s)-1], "``", "`")
}

// quoteIdent backquotes a name.
func quoteIdent(s string) string {
	return "`" + strings.ReplaceAll(s, "`", "``") + "`"
}
