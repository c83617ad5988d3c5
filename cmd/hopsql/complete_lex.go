package main

import "strings"

// The REPL's completion reads the statement being typed with this small
// lexer: enough to tell names from strings and comments, and to find the
// tables a statement names. It accepts any text; what it cannot read it
// treats as punctuation.

// tokenKind is the kind of a token of the completion lexer.
type tokenKind int

const (
	tokName    tokenKind = iota // a name or keyword, possibly qualified: t.col, bank::fg_1
	tokQuoted                   // a quoted name: `name` or "name"
	tokString                   // a string literal
	tokComment                  // -- or /* */
	tokPunct                    // anything else but blanks, one byte at a time
)

// sqlToken is a token and its place in the text.
type sqlToken struct {
	kind       tokenKind
	start, end int  // byte offsets
	open       bool // a string, quoted name or comment not closed before the end
	text       string
}

func isNameByte(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c >= 0x80
}

// lexSQL splits s into tokens, leaving out blanks.
func lexSQL(s string) []sqlToken {
	var toks []sqlToken
	for i := 0; i < len(s); {
		c := s[i]
		start := i
		tok := sqlToken{start: i}
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
			continue
		case c == '-' && strings.HasPrefix(s[i:], "--"):
			tok.kind = tokComment
			if j := strings.IndexByte(s[i:], '\n'); j >= 0 {
				i += j
			} else {
				i, tok.open = len(s), true
			}
		case c == '/' && strings.HasPrefix(s[i:], "/*"):
			tok.kind = tokComment
			if j := strings.Index(s[i+2:], "*/"); j >= 0 {
				i += j + 4
			} else {
				i, tok.open = len(s), true
			}
		case c == '\'' || c == '"' || c == '`':
			tok.kind = tokString
			if c != '\'' {
				tok.kind = tokQuoted
			}
			i, tok.open = closeQuote(s, i)
		case isNameByte(c):
			tok.kind = tokName
			i = nameEnd(s, i)
		default:
			tok.kind = tokPunct
			i++
		}
		tok.end = i
		tok.text = s[start:i]
		toks = append(toks, tok)
	}
	return toks
}

// closeQuote returns the end of the quoted text starting at s[i], where a
// doubled quote stands for itself, and whether it is left open.
func closeQuote(s string, i int) (end int, open bool) {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		if s[j] == '\\' && q == '\'' {
			j++ // a backslash escape in a string
			continue
		}
		if s[j] == q {
			if j+1 < len(s) && s[j+1] == q {
				j++
				continue
			}
			return j + 1, false
		}
	}
	return len(s), true
}

// nameEnd returns the end of the name starting at s[i]: name bytes joined
// by "." or "::", as in t.amount or bank::customers_1.
func nameEnd(s string, i int) int {
	for {
		for i < len(s) && isNameByte(s[i]) {
			i++
		}
		switch {
		case strings.HasPrefix(s[i:], "::"):
			i += 2
		case i < len(s) && s[i] == '.':
			i++
		default:
			return i
		}
	}
}
