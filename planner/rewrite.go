package planner

import (
	"fmt"
	"strings"
)

// The front end's rewrites. xwb1989/sqlparser reads MySQL as it was in
// 2018; people also type standard SQL it rejects, and a few things it
// silently misreads. rewriter turns the first into spellings the parser
// reads, with markers the binder understands, and rejects the second:
//
//	project::fg_version           `project::fg_version` (one quoted name)
//	DATE '2026-01-01'             CAST('2026-01-01' AS DATE)
//	TIMESTAMP '2026-01-01 10:00'  CAST('2026-01-01 10:00' AS DATETIME)
//	EXTRACT(YEAR FROM d)          hopsql_extract('year', d)
//	CAST(x AS DOUBLE)             hopsql_cast(x, 'DOUBLE') (types the parser lacks)
//	CONVERT(x, BIGINT)            hopsql_cast(x, 'BIGINT')
//	x DESC NULLS FIRST            hopsql_nulls_first(x) DESC
//	FULL [OUTER] JOIN             STRAIGHT_JOIN (and STRAIGHT_JOIN becomes JOIN)
//	a || b                        an error: OR in MySQL, concatenation elsewhere
//	TIME '10:00'                  an error: the parser reads a column alias
//
// Every rewrite is an edit of a span of tokens, so positions map back to the
// user's text.
type rewriter struct {
	sql   string
	toks  []token
	sig   []int // indices of the meaningful tokens
	edits []edit
}

// Marker function names the binder recognises.
const (
	markExtract    = "hopsql_extract"
	markCast       = "hopsql_cast"
	markNullsFirst = "hopsql_nulls_first"
	markNullsLast  = "hopsql_nulls_last"
)

// extractUnits are the parts EXTRACT and hopsql_extract take.
var extractUnits = map[string]bool{
	"year": true, "quarter": true, "month": true, "week": true, "day": true,
	"hour": true, "minute": true, "second": true, "millisecond": true, "microsecond": true,
	"dow": true, "dayofweek": true, "doy": true, "dayofyear": true, "epoch": true,
}

// parserCastTypes are the CAST target types the parser reads itself.
var parserCastTypes = map[string]bool{
	"date": true, "datetime": true, "decimal": true, "signed": true, "unsigned": true,
	"char": true, "binary": true, "time": true, "json": true, "nchar": true,
}

func (r *rewriter) tok(k int) token { return r.toks[r.sig[k]] }

func (r *rewriter) text(k int) string { return r.tok(k).text(r.sql) }

// word reports whether meaningful token k is the bare word w.
func (r *rewriter) word(k int, w string) bool {
	return k >= 0 && k < len(r.sig) && r.tok(k).kind == tokIdent && strings.EqualFold(r.text(k), w)
}

func (r *rewriter) op(k int, o string) bool {
	return k >= 0 && k < len(r.sig) && r.tok(k).kind == tokOp && r.text(k) == o
}

func (r *rewriter) errorf(k int, format string, args ...any) error {
	pos := len(r.sql)
	if k < len(r.sig) {
		pos = r.tok(k).start
	}
	return (&SyntaxError{Pos: pos, Msg: fmt.Sprintf(format, args...)}).locate(r.sql)
}

// closing returns the index of the ")" matching the "(" at k, or -1.
func (r *rewriter) closing(k int) int {
	depth := 0
	for j := k; j < len(r.sig); j++ {
		switch {
		case r.op(j, "("):
			depth++
		case r.op(j, ")"):
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

func (r *rewriter) replace(from, to int, text string) {
	r.edits = append(r.edits, edit{from: from, to: to, text: text})
}

// run applies every rewrite to the meaningful tokens from start on.
func (r *rewriter) run(start int) error {
	for k := start; k < len(r.sig); k++ {
		var err error
		switch {
		case r.op(k, "::"):
			err = r.name(k, start)
		case r.op(k, "||"):
			err = r.errorf(k, "|| means OR in MySQL and concatenation elsewhere: write OR, or concat(a, b)")
		case (r.word(k, "date") || r.word(k, "timestamp")) && k+1 < len(r.sig) && r.tok(k+1).kind == tokString && !r.op(k-1, "."):
			typ := "DATE"
			if r.word(k, "timestamp") {
				typ = "DATETIME"
			}
			r.replace(r.tok(k).start, r.tok(k+1).end, "CAST("+r.text(k+1)+" AS "+typ+")")
			k++
		case r.word(k, "time") && k+1 < len(r.sig) && r.tok(k+1).kind == tokString && !r.op(k-1, "."):
			err = r.errorf(k, "TIME literals are not supported: use TIMESTAMP 'YYYY-MM-DD HH:MM:SS'")
		case r.word(k, "extract") && r.op(k+1, "("):
			err = r.extract(k)
		case (r.word(k, "cast") || r.word(k, "convert")) && r.op(k+1, "("):
			err = r.cast(k)
		case r.word(k, "nulls") && (r.word(k+1, "first") || r.word(k+1, "last")):
			err = r.nullsOrder(k, start)
		case r.word(k, "full") && (r.word(k+1, "join") || r.word(k+1, "outer") && r.word(k+2, "join")):
			end := k + 1
			if r.word(k+1, "outer") {
				end = k + 2
			}
			r.replace(r.tok(k).start, r.tok(end).end, "STRAIGHT_JOIN")
			k = end
		case r.word(k, "straight_join"):
			r.replace(r.tok(k).start, r.tok(k).end, "JOIN")
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// name merges project :: fg_version into one quoted identifier.
func (r *rewriter) name(k, start int) error {
	if k == start || k+1 >= len(r.sig) {
		return r.errorf(k, "\"::\" joins a project and a feature group: write project::fg_version")
	}
	l, rt := r.tok(k-1), r.tok(k+1)
	if !isName(l, r.sql) || !isName(rt, r.sql) {
		return r.errorf(k, "\"::\" joins a project and a feature group: write project::fg_version (for a cast, use CAST(x AS type))")
	}
	if n := len(r.edits); n > 0 && r.edits[n-1].to > l.start {
		return r.errorf(k, "a name has more than one \"::\": write project::fg_version")
	}
	r.replace(l.start, rt.end, quoteIdent(nameText(l, r.sql)+"::"+nameText(rt, r.sql)))
	return nil
}

// extract rewrites EXTRACT(unit FROM x) to hopsql_extract('unit', x).
func (r *rewriter) extract(k int) error {
	if k+3 >= len(r.sig) || r.tok(k+2).kind != tokIdent || !r.word(k+3, "from") {
		return r.errorf(k, "write EXTRACT(unit FROM value), for example EXTRACT(YEAR FROM ts)")
	}
	unit := strings.ToLower(r.text(k + 2))
	if !extractUnits[unit] {
		return r.errorf(k+2, "EXTRACT does not know the unit %q: use year, quarter, month, week, day, hour, minute, second, dow or doy", r.text(k+2))
	}
	r.replace(r.tok(k).start, r.tok(k+3).end, markExtract+"('"+unit+"',")
	return nil
}

// cast rewrites CAST(x AS t) and CONVERT(x, t) whose type the parser does
// not read into hopsql_cast(x, 't').
func (r *rewriter) cast(k int) error {
	end := r.closing(k + 1)
	if end < 0 {
		return r.errorf(k, "%s( is not closed", strings.ToUpper(r.text(k)))
	}
	isCast := r.word(k, "cast")
	// The separator before the type: the last AS (CAST) or comma
	// (CONVERT) at depth 1.
	sep, depth := -1, 0
	for j := k + 1; j < end; j++ {
		switch {
		case r.op(j, "("):
			depth++
		case r.op(j, ")"):
			depth--
		case depth == 1 && (isCast && r.word(j, "as") || !isCast && r.op(j, ",")):
			sep = j
		}
	}
	if sep < 0 || sep+1 >= end {
		if isCast {
			return r.errorf(k, "write CAST(value AS type)")
		}
		return nil // CONVERT(x USING charset) and the like: the parser's business
	}
	base := strings.ToLower(r.text(sep + 1))
	if parserCastTypes[base] {
		return nil
	}
	var typ strings.Builder
	for j := sep + 1; j < end; j++ {
		if j > sep+1 && r.tok(j).kind == tokIdent && r.tok(j-1).kind == tokIdent {
			typ.WriteByte(' ')
		}
		typ.WriteString(r.text(j))
	}
	r.replace(r.tok(k).start, r.tok(k).end, markCast)
	r.replace(r.tok(sep-1).end, r.tok(end-1).end, ", '"+strings.ToUpper(typ.String())+"'")
	return nil
}

// nullsOrder rewrites "x [ASC|DESC] NULLS FIRST|LAST" in an ORDER BY into
// "hopsql_nulls_first(x) [ASC|DESC]".
func (r *rewriter) nullsOrder(k, start int) error {
	exprEnd := k - 1
	if r.word(exprEnd, "asc") || r.word(exprEnd, "desc") {
		exprEnd--
	}
	// The item starts after the nearest comma or BY at its own depth.
	depth, begin := 0, -1
	for j := exprEnd; j >= start; j-- {
		switch {
		case r.op(j, ")"):
			depth++
		case r.op(j, "("):
			depth--
		}
		if depth < 0 {
			break
		}
		if depth == 0 && (r.op(j, ",") || r.word(j, "by")) {
			begin = j + 1
			break
		}
	}
	if begin < 0 || begin > exprEnd {
		return r.errorf(k, "NULLS FIRST and NULLS LAST go after an ORDER BY item")
	}
	mark := markNullsFirst
	if r.word(k+1, "last") {
		mark = markNullsLast
	}
	r.replace(r.tok(begin).start, r.tok(begin).start, mark+"(")
	// ")" after the expression, keeping ASC/DESC, dropping NULLS FIRST.
	tail := r.sql[r.tok(exprEnd).end:r.tok(k).start]
	r.replace(r.tok(exprEnd).end, r.tok(k+1).end, ")"+strings.TrimRight(tail, " \t\n\r"))
	return nil
}
