package engine

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/compute"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// refLike is a brute-force LIKE over characters: dynamic programming on
// (pattern token, string character).
func refLike(s, p string) bool {
	type token struct {
		kind byte // '%', '_' or 'l' (literal)
		lit  string
	}
	var toks []token
	for i := 0; i < len(p); {
		switch {
		case p[i] == '%':
			toks = append(toks, token{kind: '%'})
			i++
		case p[i] == '_':
			toks = append(toks, token{kind: '_'})
			i++
		case p[i] == '\\' && i+1 < len(p):
			_, size := utf8.DecodeRuneInString(p[i+1:])
			toks = append(toks, token{kind: 'l', lit: p[i+1 : i+1+size]})
			i += 1 + size
		default:
			_, size := utf8.DecodeRuneInString(p[i:])
			toks = append(toks, token{kind: 'l', lit: p[i : i+size]})
			i += size
		}
	}
	var chars []string
	for i := 0; i < len(s); {
		_, size := utf8.DecodeRuneInString(s[i:])
		chars = append(chars, s[i:i+size])
		i += size
	}
	// m[j] reports whether the tokens so far match chars[:j].
	m := make([]bool, len(chars)+1)
	m[0] = true
	for _, tk := range toks {
		next := make([]bool, len(chars)+1)
		for j := 0; j <= len(chars); j++ {
			switch tk.kind {
			case '%':
				next[j] = m[j] || (j > 0 && next[j-1])
			case '_':
				next[j] = j > 0 && m[j-1]
			default:
				next[j] = j > 0 && m[j-1] && chars[j-1] == tk.lit
			}
		}
		m = next
	}
	return m[len(chars)]
}

func likeExpr(not bool) func([]Expr) Expr {
	return func(a []Expr) Expr { return &Like{X: a[0], Pattern: a[1], Not: not} }
}

func TestLike(t *testing.T) {
	cases := []exprCase{
		row("true", "abc", "abc"), row("true", "abc", "a%"), row("true", "abc", "%c"), row("true", "abc", "%b%"),
		row("true", "abc", "a_c"), row("false", "abc", "_"), row("true", "", "%"), row("true", "", ""), row("false", "a", ""),
		row("true", "a%c", `a\%c`), row("false", "abc", `a\%c`), row("true", "a_c", `a\_c`), row("false", "abc", `a\_c`),
		row("true", `a\c`, `a\\c`), row(`true`, `ab\`, `ab\`), row("true", "é", "_"), row("true", "éa", "_a"),
		row("false", "abc", "A%"), row("true", "abcabc", "a%b%c"), row("true", "xabcx", "%a_c%"), row("true", "abxcd", "ab%cd"),
		row("false", "abc", "abc%abc"), row("true", "abcabc", "abc%abc"), row("false", "abcab", "abc%abc"),
		row("true", "aXbXc", "a%b%c"), row("false", "acb", "a%b%c"), row("true", "😀x😀", "_x_"), row("false", "😀x", "__x"),
		row("true", "abc", "%%%"), row("true", "ab", "%_%_%"), row("false", "a", "%_%_%"), row("true", "abc", "a%%c"),
		row("NULL", nil, "a%"), row("NULL", "a", nil),
	}
	checkExpr(t, types(tStr, tStr), likeExpr(false), cases)
	not := make([]exprCase, len(cases))
	for i, c := range cases {
		not[i] = c
		switch c.want {
		case "true":
			not[i].want = "false"
		case "false":
			not[i].want = "true"
		}
	}
	checkExpr(t, types(tStr, tStr), likeExpr(true), not)
	checkExpr(t, types(tNull, tStr), likeExpr(false), []exprCase{row("NULL", nil, "a")})
	assert.Equal(t, "s NOT LIKE 'a%'", (&Like{X: &Col{Name: "s"}, Pattern: &Lit{Value: mustScalar(t, memory.NewGoAllocator(), tStr, "a%")}, Not: true}).String())
}

// TestLikeMatchesReference compares the compiled matcher with refLike on
// random strings and patterns, also through the Like expression over
// batches with NULLs (a literal pattern, and a pattern column).
func TestLikeMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	str := func(alpha []string, max int) string {
		var b strings.Builder
		for n := rng.IntN(max + 1); n > 0; n-- {
			b.WriteString(alpha[rng.IntN(len(alpha))])
		}
		return b.String()
	}
	sAlpha := []string{"a", "b", "é", "😀", "%", "_", "\\"}
	pAlpha := []string{"a", "b", "é", "😀", "%", "_", "\\", "%", "_"}
	for i := 0; i < 20000; i++ {
		s, p := str(sAlpha, 8), str(pAlpha, 6)
		require.Equal(t, refLike(s, p), compileLike(p).match(s), "%q LIKE %q", s, p)
	}

	ctx, mem := testCtx(t)
	for iter := 0; iter < 50; iter++ {
		p := str(pAlpha, 5)
		n := 100
		vals := make([]any, n)
		pats := make([]any, n)
		for i := range vals {
			if rng.IntN(10) != 0 {
				vals[i] = str(sAlpha, 8)
			}
			pats[i] = p
			if rng.IntN(2) == 0 {
				pats[i] = str(pAlpha, 5)
			}
		}
		xa, pa := mkArray(t, mem, tStr, vals...), mkArray(t, mem, tStr, pats...)
		rec := array.NewRecord(arrow.NewSchema([]arrow.Field{{Name: "s", Type: tStr, Nullable: true}, {Name: "p", Type: tStr}}, nil), []arrow.Array{xa, pa}, int64(n))
		xa.Release()
		pa.Release()
		not := iter%2 == 1
		for _, e := range []*Like{
			{X: &Col{Index: 0, T: tStr}, Pattern: &Lit{Value: mustScalar(t, mem, tStr, p)}, Not: not},
			{X: &Col{Index: 0, T: tStr}, Pattern: &Col{Index: 1, T: tStr}, Not: not},
		} {
			got, err := evalStrings(ctx, e, rec, n)
			require.NoError(t, err)
			for i := range vals {
				pat := p
				if _, lit := e.Pattern.(*Lit); !lit {
					pat = pats[i].(string)
				}
				want := "NULL"
				if vals[i] != nil {
					want = "false"
					if refLike(vals[i].(string), pat) != not {
						want = "true"
					}
				}
				require.Equal(t, want, got[i], "%q LIKE %q (not %v)", vals[i], pat, not)
			}
		}
		rec.Release()
	}
}

func FuzzLike(f *testing.F) {
	for _, c := range [][2]string{
		{"abc", "a%"}, {"abc", "%b%"}, {"a_c", `a\_c`}, {"é😀", "__"}, {"", "%"}, {`a\`, `a\`}, {"\xff\xfe", "_%"},
		{"abcabc", "abc%abc"}, {"xyz", "%x_z"},
	} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, s, p string) {
		m := compileLike(p)
		got := m.match(s)
		if utf8.ValidString(s) && utf8.ValidString(p) {
			if want := refLike(s, p); got != want {
				t.Fatalf("%q LIKE %q = %v, want %v (kind %d)", s, p, got, want, m.kind)
			}
		}
	})
}

func BenchmarkLikeContains(b *testing.B) {
	mem := memory.NewGoAllocator()
	const n = 1 << 20
	rng := rand.New(rand.NewPCG(1, 1))
	bld := array.NewStringBuilder(mem)
	letters := "abcdefghijklmnopqrstuvwxyz"
	buf := make([]byte, 24)
	for i := 0; i < n; i++ {
		for j := range buf {
			buf[j] = letters[rng.IntN(len(letters))]
		}
		bld.Append(string(buf))
	}
	col := bld.NewArray()
	bld.Release()
	defer col.Release()
	rec := array.NewRecord(arrow.NewSchema([]arrow.Field{{Name: "s", Type: tStr}}, nil), []arrow.Array{col}, n)
	defer rec.Release()
	ctx := compute.WithAllocator(context.Background(), mem)
	for _, p := range []string{"%abc%", "abc%", "%a_c%"} {
		b.Run(p, func(b *testing.B) {
			e := &Like{X: &Col{Index: 0, T: tStr}, Pattern: &Lit{Value: mustScalar(b, mem, tStr, p)}}
			b.SetBytes(int64(col.(*array.String).ValueOffset(n)))
			for i := 0; i < b.N; i++ {
				d, err := e.Eval(ctx, rec)
				if err != nil {
					b.Fatal(err)
				}
				d.Release()
			}
		})
	}
}
