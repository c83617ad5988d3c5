package planner

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xwb1989/sqlparser"
)

func TestPrepareMergesProjectNames(t *testing.T) {
	tests := []struct {
		sql, want string
	}{
		{"SELECT * FROM bank::customers_1", "SELECT * FROM `bank::customers_1`"},
		{"select * from bank :: customers_1 c", "select * from `bank::customers_1` c"},
		{"SELECT * FROM `bank`::`customers_1`", "SELECT * FROM `bank::customers_1`"},
		{"SELECT * FROM `bank::customers_1`", "SELECT * FROM `bank::customers_1`"},
		{"SELECT 'a::b', x FROM t -- bank::c\n", "SELECT 'a::b', x FROM t -- bank::c\n"},
		{"SELECT * FROM t1 JOIN p::t2 ON 1=1 JOIN q::t3 ON 1=1", "SELECT * FROM t1 JOIN `p::t2` ON 1=1 JOIN `q::t3` ON 1=1"},
		{"SELECT * FROM /* a::b */ p::t", "SELECT * FROM /* a::b */ `p::t`"},
	}
	for _, tc := range tests {
		src, err := prepare(tc.sql)
		require.NoError(t, err, tc.sql)
		assert.Equal(t, tc.want, src.text, tc.sql)
		_, err = sqlparser.Parse(src.text)
		assert.NoError(t, err, "parser reads %q", src.text)
	}
}

func TestPrepareExplain(t *testing.T) {
	src, err := prepare("  explain SELECT * FROM p::t")
	require.NoError(t, err)
	assert.True(t, src.explain)
	assert.False(t, src.analyze)
	assert.Equal(t, "SELECT * FROM `p::t`", src.text)

	src, err = prepare("EXPLAIN ANALYZE SELECT 1 FROM t")
	require.NoError(t, err)
	assert.True(t, src.explain && src.analyze)
	assert.Equal(t, "SELECT 1 FROM t", src.text)
}

func TestPrepareErrors(t *testing.T) {
	tests := []struct {
		sql       string
		line, col int
		msg       string
	}{
		{"SELECT 'abc FROM t", 1, 8, "string is not closed"},
		{"SELECT * FROM `abc", 1, 15, "quoted identifier is not closed"},
		{"SELECT /* x", 1, 8, "comment is not closed"},
		{"SELECT x::int FROM t\n", 0, 0, ""}, // merged into a name; the binder reports it
		{"SELECT * FROM ::t", 1, 15, "project::fg_version"},
		{"SELECT * FROM a::b::c", 1, 19, "more than one"},
		{"SELECT\n  * FROM p::", 2, 11, "project::fg_version"},
		{"EXPLAIN", 1, 8, "EXPLAIN needs a statement"},
		{"   ", 1, 4, "empty statement"},
	}
	for _, tc := range tests {
		_, err := prepare(tc.sql)
		if tc.msg == "" {
			assert.NoError(t, err, tc.sql)
			continue
		}
		var se *SyntaxError
		require.True(t, errors.As(err, &se), "%q: %v", tc.sql, err)
		assert.Equal(t, tc.line, se.Line, tc.sql)
		assert.Equal(t, tc.col, se.Column, tc.sql)
		assert.Contains(t, se.Error(), tc.msg, tc.sql)
	}
}

func TestParseErrorPositionsAreInTheUsersText(t *testing.T) {
	// The rewrite of bank::customers_1 adds two backquotes; the error after
	// it must still point at the user's column.
	sql := "SELECT c.name FROM bank::customers_1 c WHERE c.age >"
	src, err := prepare(sql)
	require.NoError(t, err)
	_, err = parse(src)
	var se *SyntaxError
	require.True(t, errors.As(err, &se), "%v", err)
	assert.Equal(t, 1, se.Line)
	assert.Equal(t, len(sql)+1, se.Column)
	assert.Contains(t, se.Error(), "ends too early")

	sql = "SELECT c.name FROM bank::customers_1 c WHERE c.age >> FROM"
	src, err = prepare(sql)
	require.NoError(t, err)
	_, err = parse(src)
	require.True(t, errors.As(err, &se), "%v", err)
	assert.Equal(t, strings.LastIndex(sql, "FROM")+1, se.Column, se.Error())
}

func TestOrigPos(t *testing.T) {
	src, err := prepare("SELECT * FROM a::b JOIN c::d ON x")
	require.NoError(t, err)
	// "SELECT * FROM `a::b` JOIN `c::d` ON x"
	assert.Equal(t, "SELECT * FROM `a::b` JOIN `c::d` ON x", src.text)
	for _, tc := range []struct{ out, orig int }{
		{0, 0}, {14, 14}, {16, 14}, {20, 18}, {21, 19}, {26, 24}, {33, 29}, {36, 32},
	} {
		assert.Equal(t, tc.orig, src.origPos(tc.out), "offset %d", tc.out)
	}
}

func TestSplitStatements(t *testing.T) {
	stmts, err := SplitStatements("SELECT 1; SELECT ';' FROM t -- ;\n; /* ; */ ;SELECT `a;b` FROM t")
	require.NoError(t, err)
	var texts []string
	for _, s := range stmts {
		texts = append(texts, strings.TrimSpace(s.SQL))
	}
	assert.Equal(t, []string{"SELECT 1", "SELECT ';' FROM t -- ;", "SELECT `a;b` FROM t"}, texts)
	assert.Equal(t, 0, stmts[0].Offset)
	assert.Equal(t, 9, stmts[1].Offset)

	_, err = SplitStatements("SELECT 'x")
	var se *SyntaxError
	require.True(t, errors.As(err, &se))
	assert.Equal(t, 8, se.Column)
}

func TestComplete(t *testing.T) {
	assert.True(t, Complete("SELECT 1;"))
	assert.True(t, Complete("SELECT 1; -- done\n"))
	assert.False(t, Complete("SELECT ';'"))
	assert.False(t, Complete("SELECT 1 /* ; */"))
	assert.False(t, Complete("SELECT 'x;"))
	assert.False(t, Complete(""))
}

// FuzzFrontEnd feeds arbitrary text through the front end and the parser:
// nothing may panic, errors must locate themselves inside the text, and a
// successful rewrite must map every offset back into the user's text.
func FuzzFrontEnd(f *testing.F) {
	for _, s := range []string{
		"SELECT * FROM bank::customers_1 c WHERE c.age > 30",
		"EXPLAIN SELECT a FROM `p`::`t` -- x",
		"SELECT 'a''b', \"c\\\"d\" FROM t /* ; */; SELECT 1",
		"SELECT * FROM a::b::c",
		"SELECT x FROM t WHERE y IN (1, 2.5, 1e3) AND z BETWEEN 'a' AND 'b'",
		"`unterminated",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		if _, err := SplitStatements(sql); err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Pos < 0 || se.Pos > len(sql) {
				t.Fatalf("SplitStatements(%q): %v", sql, err)
			}
		}
		Complete(sql)
		src, err := prepare(sql)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Pos < 0 || se.Pos > len(sql) || se.Line < 1 {
				t.Fatalf("prepare(%q): %v", sql, err)
			}
			return
		}
		for p := 0; p <= len(src.text); p++ {
			if o := src.origPos(p); o < 0 || o > len(sql) {
				t.Fatalf("origPos(%d) = %d outside %q", p, o, sql)
			}
		}
		if _, err := parse(src); err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Pos < 0 || se.Pos > len(sql) {
				t.Fatalf("parse(%q): %v", sql, err)
			}
		}
	})
}
