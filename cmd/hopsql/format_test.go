package main

import (
	"encoding/json"
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/decimal256"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDecimalText checks decimals of every size and scale against
// math/big.
func TestDecimalText(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	maxDigits := new(big.Int).Exp(big.NewInt(10), big.NewInt(38), nil) // 1 more than the largest decimal(38)
	values := []*big.Int{
		big.NewInt(0), big.NewInt(1), big.NewInt(-1),
		big.NewInt(math.MaxInt64), big.NewInt(math.MinInt64),
		new(big.Int).Add(big.NewInt(math.MaxInt64), big.NewInt(1)),
		new(big.Int).Sub(big.NewInt(math.MinInt64), big.NewInt(1)),
		new(big.Int).Sub(maxDigits, big.NewInt(1)),
		new(big.Int).Sub(big.NewInt(1), maxDigits),
	}
	for range 500 {
		// Up to 38 digits, of every length.
		digits := make([]byte, rng.IntN(38)+1)
		for i := range digits {
			digits[i] = byte('0' + rng.IntN(10))
		}
		v, ok := new(big.Int).SetString(string(digits), 10)
		require.True(t, ok)
		if rng.IntN(2) == 0 {
			v.Neg(v)
		}
		values = append(values, v)
	}
	for _, v := range values {
		for scale := int32(-3); scale <= 38; scale++ {
			var want string
			if scale >= 0 {
				want = new(big.Rat).SetFrac(v, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil)).FloatString(int(scale))
			} else {
				want = new(big.Int).Mul(v, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-scale)), nil)).String()
			}
			assert.Equal(t, want, string(appendDecimal128(nil, decimal128.FromBigInt(v), scale)), "%s scale %d", v, scale)
			assert.Equal(t, want, string(appendDecimal256(nil, decimal256.FromBigInt(v), scale)), "%s scale %d", v, scale)
		}
	}
}

// TestFloatText checks floats against encoding/json, which writes them
// the same way, and that they read back.
func TestFloatText(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	values := []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 1e-6, 9.99e-7, 1e20, 1e21, 123456789, math.MaxFloat64, math.SmallestNonzeroFloat64, -1.5e-300}
	for range 20000 {
		values = append(values, math.Float64frombits(rng.Uint64()))
	}
	for _, f := range values {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		got := string(appendFloat(nil, f, 64))
		want, err := json.Marshal(f)
		require.NoError(t, err)
		assert.Equal(t, string(want), got)
		back, err := strconv.ParseFloat(got, 64)
		require.NoError(t, err)
		assert.Equal(t, math.Float64bits(f), math.Float64bits(back), got)

		f32 := float32(f)
		if math.IsInf(float64(f32), 0) {
			continue
		}
		want, err = json.Marshal(f32)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(appendFloat(nil, float64(f32), 32)))
	}
	for f, want := range map[float64]string{math.NaN(): "NaN", math.Inf(1): "Infinity", math.Inf(-1): "-Infinity"} {
		assert.Equal(t, want, string(appendFloat(nil, f, 64)))
		assert.Equal(t, "null", string(appendJSONFloat(nil, f, 64)))
		back, err := strconv.ParseFloat(want, 64)
		require.NoError(t, err)
		assert.Equal(t, math.IsNaN(f), math.IsNaN(back))
		assert.True(t, math.IsNaN(f) || f == back)
	}
}

// randomString makes strings of ASCII, controls, invalid UTF-8, wide
// characters, separators and bidirectional controls.
func randomString(rng *rand.Rand) string {
	pieces := []string{"a", "Z", " ", "\"", "\\", "/", "|", "\t", "\n", "\r", "\x00", "\x1b", "\x7f", "\xff", "\xc3", "é", "日本", "🙂", "\u0085", "\u2028", "\u2029", "\u202e", "\u2066", "\u200d", "\ufffd", "<&>"}
	var b strings.Builder
	for range rng.IntN(12) {
		b.WriteString(pieces[rng.IntN(len(pieces))])
	}
	return b.String()
}

// TestJSONString checks strings against encoding/json.
func TestJSONString(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 5000 {
		s := randomString(rng)
		got := appendJSONString(nil, s)
		require.True(t, json.Valid(got), "%q: %s", s, got)
		want, err := json.Marshal(s)
		require.NoError(t, err)
		var gotS, wantS string
		require.NoError(t, json.Unmarshal(got, &gotS))
		require.NoError(t, json.Unmarshal(want, &wantS))
		assert.Equal(t, wantS, gotS, "%q", s)
		assert.NotContains(t, string(got), "\u2028", "escaped for JavaScript")
	}
}

func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"plain":          "plain",
		"日本 🙂 é":         "日本 🙂 é",
		"a\nb\r\tc":      `a\nb\r\tc`,
		"\x1b[31mred":    `\x1b[31mred`,
		"\x00\x7f":       `\x00\x7f`,
		"x\u0085y":       `x\u0085y`,
		"\u202eevil":     `\u202eevil`,
		"bad \xff utf-8": "bad \ufffd utf-8",
		"sep\u2028":      `sep\u2028`,
	} {
		assert.Equal(t, want, printable(in), "%q", in)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for range 5000 {
		s := randomString(rng)
		got := printable(s)
		require.True(t, utf8.ValidString(got), "%q", s)
		for _, r := range got {
			require.False(t, isControl(r), "%q gave %q", s, got)
		}
		if utf8.ValidString(s) && !strings.ContainsFunc(s, isControl) {
			assert.Equal(t, s, got)
		}
	}
}

func TestCut(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for range 5000 {
		s := printable(randomString(rng))
		limit := rng.IntN(12) + 1
		got := cut(s, limit)
		assert.LessOrEqual(t, displayWidth(got), limit, "%q cut to %d: %q", s, limit, got)
		if displayWidth(s) <= limit {
			assert.Equal(t, s, got)
		} else {
			require.True(t, strings.HasSuffix(got, elision), "%q", got)
			assert.True(t, strings.HasPrefix(s, strings.TrimSuffix(got, elision)), "%q is not a start of %q", got, s)
		}
	}
	assert.Equal(t, "日…", cut("日本語", 4), "a wide character is not split")
}

// TestOtherTypes checks the types the demo store does not have, which
// expressions and other stores can give.
func TestOtherTypes(t *testing.T) {
	mapType := arrow.MapOf(arrow.BinaryTypes.String, arrow.PrimitiveTypes.Int64)
	structType := arrow.StructOf(arrow.Field{Name: "a", Type: arrow.PrimitiveTypes.Int64, Nullable: true}, arrow.Field{Name: "b", Type: arrow.BinaryTypes.String, Nullable: true})
	tests := []struct {
		typ      arrow.DataType
		values   string   // the array, as arrow's JSON
		text     []string // of the rows that are not NULL
		wantJSON string
	}{
		{arrow.PrimitiveTypes.Int8, `[-128, null, 127]`, []string{"-128", "127"}, `[-128, null, 127]`},
		{arrow.PrimitiveTypes.Int16, `[-32768, 32767]`, []string{"-32768", "32767"}, `[-32768, 32767]`},
		{arrow.PrimitiveTypes.Uint8, `[255]`, []string{"255"}, `[255]`},
		{arrow.PrimitiveTypes.Uint16, `[65535]`, []string{"65535"}, `[65535]`},
		{arrow.PrimitiveTypes.Uint32, `[4294967295]`, []string{"4294967295"}, `[4294967295]`},
		{arrow.PrimitiveTypes.Uint64, `[4294967296]`, []string{"4294967296"}, `[4294967296]`},
		{arrow.PrimitiveTypes.Float32, `[0.1, 1e30, null]`, []string{"0.1", "1e+30"}, `[0.1, 1e30, null]`},
		{arrow.BinaryTypes.LargeString, `["a\"b", null]`, []string{`a"b`}, `["a\"b", null]`},
		{arrow.BinaryTypes.Binary, `["AP8=", null]`, []string{"00ff"}, `["00ff", null]`},
		{&arrow.FixedSizeBinaryType{ByteWidth: 2}, `["AP8="]`, []string{"00ff"}, `["00ff"]`},
		{arrow.FixedWidthTypes.Date64, `[86400000]`, []string{"1970-01-02"}, `["1970-01-02"]`},
		{arrow.FixedWidthTypes.Time32s, `[3661]`, []string{"01:01:01"}, `["01:01:01"]`},
		{arrow.FixedWidthTypes.Time64us, `[3661000001]`, []string{"01:01:01.000001"}, `["01:01:01.000001"]`},
		{arrow.FixedWidthTypes.Timestamp_s, `[1]`, []string{"1970-01-01 00:00:01"}, `["1970-01-01 00:00:01"]`},
		{arrow.FixedWidthTypes.Timestamp_ms, `[1500]`, []string{"1970-01-01 00:00:01.5"}, `["1970-01-01 00:00:01.5"]`},
		{arrow.FixedWidthTypes.Timestamp_ns, `[1000000001]`, []string{"1970-01-01 00:00:01.000000001"}, `["1970-01-01 00:00:01.000000001"]`},
		{&arrow.Decimal256Type{Precision: 76, Scale: 2}, `["-12345678901234567890123456789012345678901234567890.05"]`, []string{"-12345678901234567890123456789012345678901234567890.05"}, `[-12345678901234567890123456789012345678901234567890.05]`},
		{arrow.ListOf(arrow.PrimitiveTypes.Int64), `[[1, null, 3], [], null]`, []string{"[1,null,3]", "[]"}, `[[1, null, 3], [], null]`},
		{arrow.FixedSizeListOf(2, arrow.BinaryTypes.String), `[["a", "b"]]`, []string{`["a","b"]`}, `[["a", "b"]]`},
		{structType, `[{"a": 1, "b": "x"}, {"a": null, "b": "y\n"}, null]`, []string{`{"a":1,"b":"x"}`, `{"a":null,"b":"y\n"}`}, `[{"a": 1, "b": "x"}, {"a": null, "b": "y\n"}, null]`},
		{mapType, `[[{"key": "k", "value": 1}, {"key": "l", "value": null}]]`, []string{`{"k":1,"l":null}`}, `[{"k": 1, "l": null}]`},
		{arrow.Null, `[null, null]`, nil, `[null, null]`},
	}
	for _, tc := range tests {
		t.Run(tc.typ.String(), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			arr, _, err := array.FromJSON(mem, tc.typ, strings.NewReader(tc.values))
			require.NoError(t, err)
			defer arr.Release()
			text, js := textFormatter(arr), jsonFormatter(arr)
			isNull := nullMask(arr)
			var texts []string
			got := []byte{'['}
			for i := range arr.Len() {
				if i > 0 {
					got = append(got, ',')
				}
				got = js(got, i)
				if !isNull(i) {
					texts = append(texts, text(i))
				}
			}
			got = append(got, ']')
			assert.Equal(t, tc.text, texts)
			assert.JSONEq(t, tc.wantJSON, string(got))
		})
	}
}

func TestLargestUint64(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	b := array.NewUint64Builder(mem)
	defer b.Release()
	b.Append(math.MaxUint64)
	arr := b.NewArray()
	defer arr.Release()
	want := strconv.FormatUint(math.MaxUint64, 10)
	assert.Equal(t, want, textFormatter(arr)(0))
	assert.Equal(t, want, string(jsonFormatter(arr)(nil, 0)))
}

func TestDictionaries(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String}
	b := array.NewDictionaryBuilder(mem, dt).(*array.BinaryDictionaryBuilder)
	defer b.Release()
	for _, s := range []string{"b", "a", "b"} {
		require.NoError(t, b.AppendString(s))
	}
	b.AppendNull()
	arr := b.NewArray()
	defer arr.Release()
	text, js := textFormatter(arr), jsonFormatter(arr)
	var got []string
	for i := range 3 {
		got = append(got, text(i))
	}
	assert.Equal(t, []string{"b", "a", "b"}, got)
	assert.Equal(t, `"a"`, string(js(nil, 1)))
	assert.Equal(t, "null", string(js(nil, 3)))
	assert.False(t, rightAligned(dt))
}

func TestJSONKeys(t *testing.T) {
	tests := []struct {
		names []string
		want  []string
	}{
		{[]string{"a", "b"}, []string{"a", "b"}},
		{[]string{"id", "id", "id"}, []string{"id", "id_2", "id_3"}},
		{[]string{"id", "id", "id_2"}, []string{"id", "id_3", "id_2"}},
		{[]string{"x\"y", "x\"y"}, []string{"x\"y", "x\"y_2"}},
	}
	for _, tc := range tests {
		var got []string
		for _, k := range jsonKeys(tc.names) {
			var s string
			require.NoError(t, json.Unmarshal(k[:len(k)-1], &s), "%s", k)
			require.Equal(t, byte(':'), k[len(k)-1])
			got = append(got, s)
		}
		assert.Equal(t, tc.want, got, "%q", tc.names)
	}
}
