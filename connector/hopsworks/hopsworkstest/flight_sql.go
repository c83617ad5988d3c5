package hopsworkstest

import (
	"errors"
	"fmt"
	"strings"
)

// errAsof reports a point-in-time query written with DuckDB's ASOF JOIN
// (the pitQueryAsof of the query constructor), which hopsql's engine
// cannot run.
var errAsof = errors.New("ASOF joins are not supported by the hopsworkstest Flight server: " +
	"hopsql's engine has no as-of join; send the query without point-in-time joins")

// rewriteDuckSQL turns the DuckDB-dialect query of a Flight command into
// SQL hopsql's planner reads:
//
//   - a double-quoted identifier becomes a backquoted one;
//   - a table identifier "<project>.<fg>_<version>" (the Flight server
//     registers each feature group under that single name) becomes
//     `<project>::<fg>_<version>`; when no alias follows it, it is aliased
//     with its own name so that columns qualified with it still resolve;
//   - string literals, comments and everything else are kept as written.
//
// tables holds the table names the command registers, lower-case; a table
// identifier that is not among them is an error, as in DuckDB. A query with
// an ASOF join fails with errAsof.
func rewriteDuckSQL(query string, tables map[string]bool) (string, error) {
	toks, err := lexDuck(query)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for i, t := range toks {
		switch t.kind {
		case duckWord:
			if strings.EqualFold(t.text, "asof") {
				return "", errAsof
			}
			b.WriteString(t.text)
		case duckQuoted:
			name := t.ident()
			if !strings.Contains(name, ".") || nextIs(toks, i, ".") {
				b.WriteString(backquote(name))
				continue
			}
			project, table, _ := strings.Cut(name, ".")
			if !tables[strings.ToLower(name)] {
				return "", fmt.Errorf("Catalog Error: Table with name %s does not exist!", name)
			}
			b.WriteString(backquote(project + "::" + table))
			if !aliasFollows(toks, i) {
				b.WriteString(" AS " + backquote(name))
			}
		default:
			b.WriteString(t.text)
		}
	}
	return b.String(), nil
}

// backquote quotes an identifier for hopsql, doubling backquotes in it.
func backquote(name string) string {
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}

// duckKind is the kind of a token of the DuckDB dialect.
type duckKind int

const (
	duckOther  duckKind = iota // punctuation, operators, numbers
	duckSpace                  // blanks and comments
	duckWord                   // a bare word: keyword or identifier
	duckString                 // a '...' literal
	duckQuoted                 // a "..." identifier
)

// duckToken is one token, with its text as written.
type duckToken struct {
	kind duckKind
	text string
}

// ident returns a quoted identifier's name: the text without the quotes,
// with doubled quotes undone.
func (t duckToken) ident() string {
	return strings.ReplaceAll(t.text[1:len(t.text)-1], `""`, `"`)
}

// lexDuck splits a DuckDB query into tokens whose texts concatenate to the
// query. It fails on an unterminated string, identifier or comment.
func lexDuck(q string) ([]duckToken, error) {
	var toks []duckToken
	for i := 0; i < len(q); {
		c := q[i]
		start := i
		kind := duckOther
		switch {
		case c == '\'' || c == '"':
			end, ok := closeQuote(q, i)
			if !ok {
				return nil, fmt.Errorf("Parser Error: unterminated quoted string at offset %d", i)
			}
			i = end
			kind = duckString
			if c == '"' {
				kind = duckQuoted
			}
		case c == '-' && strings.HasPrefix(q[i:], "--"):
			if j := strings.IndexByte(q[i:], '\n'); j >= 0 {
				i += j
			} else {
				i = len(q)
			}
			kind = duckSpace
		case c == '/' && strings.HasPrefix(q[i:], "/*"):
			j := strings.Index(q[i+2:], "*/")
			if j < 0 {
				return nil, fmt.Errorf("Parser Error: unterminated comment at offset %d", i)
			}
			i += j + 4
			kind = duckSpace
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			for i < len(q) && (q[i] == ' ' || q[i] == '\t' || q[i] == '\n' || q[i] == '\r') {
				i++
			}
			kind = duckSpace
		case isWordByte(c) && !(c >= '0' && c <= '9'):
			for i < len(q) && isWordByte(q[i]) {
				i++
			}
			kind = duckWord
		default:
			i++
		}
		toks = append(toks, duckToken{kind: kind, text: q[start:i]})
	}
	return toks, nil
}

// closeQuote returns the offset after the quote that closes the one at
// q[i], a doubled quote standing for the quote character itself.
func closeQuote(q string, i int) (int, bool) {
	quote := q[i]
	for j := i + 1; j < len(q); j++ {
		if q[j] != quote {
			continue
		}
		if j+1 < len(q) && q[j+1] == quote {
			j++
			continue
		}
		return j + 1, true
	}
	return 0, false
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// next returns the index of the first token after i that is not blank, or
// -1.
func next(toks []duckToken, i int) int {
	for j := i + 1; j < len(toks); j++ {
		if toks[j].kind != duckSpace {
			return j
		}
	}
	return -1
}

// nextIs reports whether the token after i is the punctuation text.
func nextIs(toks []duckToken, i int, text string) bool {
	j := next(toks, i)
	return j >= 0 && toks[j].kind == duckOther && toks[j].text == text
}

// aliasFollows reports whether a table reference at i is followed by an
// alias: AS, a quoted identifier, or a word that is not a keyword that can
// follow a table.
func aliasFollows(toks []duckToken, i int) bool {
	j := next(toks, i)
	if j < 0 {
		return false
	}
	switch toks[j].kind {
	case duckQuoted:
		return true
	case duckWord:
		return !tableFollowers[strings.ToLower(toks[j].text)]
	}
	return false
}

// tableFollowers are the words that can follow a table reference without
// being its alias.
var tableFollowers = map[string]bool{
	"where": true, "join": true, "inner": true, "left": true, "right": true, "full": true,
	"outer": true, "cross": true, "natural": true, "positional": true, "asof": true,
	"semi": true, "anti": true, "on": true, "using": true, "group": true, "having": true,
	"order": true, "limit": true, "offset": true, "union": true, "except": true,
	"intersect": true, "window": true, "qualify": true,
}
