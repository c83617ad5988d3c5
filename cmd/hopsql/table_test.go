package main

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// render writes the columns, in batches ending at bounds, with o.
func render(t *testing.T, cols []fixtureColumn, o outputOptions, bounds ...int) string {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rr, recs := fixtureReader(t, mem, cols, bounds...)
	defer releaseAll(rr, recs)
	var out bytes.Buffer
	n, err := writeResult(&out, rr, &o)
	require.NoError(t, err)
	assert.Equal(t, int64(len(cols[0].values)), n)
	return out.String()
}

func column(name string, typ arrow.DataType, values ...any) fixtureColumn {
	return fixtureColumn{arrow.Field{Name: name, Type: typ, Nullable: true}, values}
}

// small has a number, a string and a decimal column, with NULLs, the
// string 'NULL', wide characters, control characters and invalid UTF-8.
func small() []fixtureColumn {
	return []fixtureColumn{
		column("id", arrow.PrimitiveTypes.Int64, int64(1), nil, int64(300)),
		column("name", arrow.BinaryTypes.String, "日本語", "NULL", "x\ny\x1b[2J\xff"),
		column("amount", &arrow.Decimal128Type{Precision: 5, Scale: 2}, "1.50", "-20.00", nil),
	}
}

// long has a value longer than maxCellWidth.
func long() []fixtureColumn {
	return []fixtureColumn{
		column("id", arrow.PrimitiveTypes.Int64, int64(1), int64(2)),
		column("note", arrow.BinaryTypes.String, strings.Repeat("abcdefghij", 6), "short"),
	}
}

// wide has 8 columns c1 to c8 of 10-character values.
func wide() []fixtureColumn {
	var cols []fixtureColumn
	for c := 1; c <= 8; c++ {
		cols = append(cols, column(fmt.Sprintf("c%d", c), arrow.BinaryTypes.String,
			strings.Repeat(strconv.Itoa(c), 10), strings.Repeat("x", 10)))
	}
	return cols
}

func TestTableLayouts(t *testing.T) {
	tests := []struct {
		name string
		cols []fixtureColumn
		o    outputOptions
		want string
	}{
		{"numbers right, NULL as ∅, controls escaped", small(), outputOptions{}, `
┌────────┬──────────────┬──────────────┐
│ id     │ name         │ amount       │
│ bigint │ string       │ decimal(5,2) │
├────────┼──────────────┼──────────────┤
│      1 │ 日本語       │         1.50 │
│      ∅ │ NULL         │       -20.00 │
│    300 │ x\ny\x1b[2J� │            ∅ │
└────────┴──────────────┴──────────────┘
3 rows
`},
		{"expanded", small(), outputOptions{Expanded: expandedOn}, `
-[ RECORD 1 ]--------
id     | 1
name   | 日本語
amount | 1.50
-[ RECORD 2 ]--------
id     | ∅
name   | NULL
amount | -20.00
-[ RECORD 3 ]--------
id     | 300
name   | x\ny\x1b[2J�
amount | ∅
3 rows
`},
		{"expanded, first and last rows", small(), outputOptions{Expanded: expandedOn, MaxRows: 2}, `
-[ RECORD 1 ]--------
id     | 1
name   | 日本語
amount | 1.50
·
-[ RECORD 3 ]--------
id     | 300
name   | x\ny\x1b[2J�
amount | ∅
3 rows (2 shown)
`},
		{"first and last rows", small(), outputOptions{MaxRows: 2}, `
┌────────┬──────────────┬──────────────┐
│ id     │ name         │ amount       │
│ bigint │ string       │ decimal(5,2) │
├────────┼──────────────┼──────────────┤
│      1 │ 日本語       │         1.50 │
│   ·    │      ·       │      ·       │
│    300 │ x\ny\x1b[2J� │            ∅ │
└────────┴──────────────┴──────────────┘
3 rows (2 shown)
`},
		{"no bound: long values whole", long(), outputOptions{}, `
┌────────┬──────────────────────────────────────────────────────────────┐
│ id     │ note                                                         │
│ bigint │ string                                                       │
├────────┼──────────────────────────────────────────────────────────────┤
│      1 │ abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij │
│      2 │ short                                                        │
└────────┴──────────────────────────────────────────────────────────────┘
2 rows
`},
		{"long values cut to maxCellWidth", long(), outputOptions{Width: 100}, `
┌────────┬──────────────────────────────────────────┐
│ id     │ note                                     │
│ bigint │ string                                   │
├────────┼──────────────────────────────────────────┤
│      1 │ abcdefghijabcdefghijabcdefghijabcdefghi… │
│      2 │ short                                    │
└────────┴──────────────────────────────────────────┘
2 rows
`},
		{"long values cut to fit", long(), outputOptions{Width: 30, Expanded: expandedAuto}, `
┌────────┬───────────────────┐
│ id     │ note              │
│ bigint │ string            │
├────────┼───────────────────┤
│      1 │ abcdefghijabcdef… │
│      2 │ short             │
└────────┴───────────────────┘
2 rows
`},
		{"middle columns hidden", wide(), outputOptions{Width: 60}, `
┌────────────┬────────────┬───┬────────────┬────────────┐
│ c1         │ c2         │ … │ c7         │ c8         │
│ string     │ string     │   │ string     │ string     │
├────────────┼────────────┼───┼────────────┼────────────┤
│ 1111111111 │ 2222222222 │ … │ 7777777777 │ 8888888888 │
│ xxxxxxxxxx │ xxxxxxxxxx │ … │ xxxxxxxxxx │ xxxxxxxxxx │
└────────────┴────────────┴───┴────────────┴────────────┘
2 rows, 8 columns (4 hidden)
`},
		{"too wide: expanded", wide()[:3], outputOptions{Width: 30, Expanded: expandedAuto}, `
-[ RECORD 1 ]--
c1 | 1111111111
c2 | 2222222222
c3 | 3333333333
-[ RECORD 2 ]--
c1 | xxxxxxxxxx
c2 | xxxxxxxxxx
c3 | xxxxxxxxxx
2 rows
`},
		{"one column narrowed to fit", long()[1:], outputOptions{Width: 16}, `
┌──────────────┐
│ note         │
│ string       │
├──────────────┤
│ abcdefghija… │
│ short        │
└──────────────┘
2 rows
`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, strings.TrimPrefix(tc.want, "\n"), render(t, tc.cols, tc.o, 1))
		})
	}
}

// TestTablesFitTheWidth checks that at every width a table fits (but for
// the line under it), and that what it says it hides is what it does not
// show.
func TestTablesFitTheWidth(t *testing.T) {
	footer := regexp.MustCompile(`^7 rows(?:, 9 columns \((\d+) hidden\))?$`)
	for width := 14; width <= 250; width++ {
		for _, expanded := range []expandedMode{expandedOff, expandedAuto} {
			out := render(t, fixture(), outputOptions{Width: width, Expanded: expanded}, fixtureBounds...)
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			for _, l := range lines[:len(lines)-1] {
				require.LessOrEqual(t, displayWidth(l), width, "width %d:\n%s", width, out)
			}
			m := footer.FindStringSubmatch(lines[len(lines)-1])
			require.NotNil(t, m, "width %d: %s", width, lines[len(lines)-1])
			if strings.HasPrefix(out, "-[ RECORD") {
				assert.Equal(t, expandedAuto, expanded)
				assert.Equal(t, 7, strings.Count(out, "-[ RECORD"))
				continue
			}
			shown := 0
			for _, col := range fixture() {
				if regexp.MustCompile(`│ ` + col.field.Name + `\b`).MatchString(lines[1]) {
					shown++
				}
			}
			hidden := 0
			if m[1] != "" {
				hidden, _ = strconv.Atoi(m[1])
				assert.Contains(t, lines[1], "│ … │", "width %d", width)
				assert.Equal(t, expandedOff, expanded, "width %d: auto goes vertical rather than hide columns", width)
			}
			assert.Equal(t, 9, shown+hidden, "width %d:\n%s", width, out)
			assert.Len(t, lines, 4+7+2, "width %d", width)
		}
	}
}

// TestTableFirstAndLastRows reads 12,345 rows in batches of 617, so that
// the last rows span two batches.
func TestTableFirstAndLastRows(t *testing.T) {
	const total, batch = 12345, 617
	row := regexp.MustCompile(`^│\s+(\d+) │$`)
	for _, maxRows := range []int{1, 2, 5, 20, 0} {
		t.Run(fmt.Sprint(maxRows), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			rr := countingReader(t, mem, total, batch)
			defer rr.Release()
			var out bytes.Buffer
			n, err := writeResult(&out, rr, &outputOptions{Format: formatTable, MaxRows: maxRows})
			require.NoError(t, err)
			assert.Equal(t, int64(total), n)

			// Expected: the first maxRows/2 (rounded up) and last maxRows/2
			// numbers, or all.
			var want []int
			head, tail := (maxRows+1)/2, maxRows/2
			if maxRows == 0 {
				head = total
			}
			for i := 1; i <= head; i++ {
				want = append(want, i)
			}
			for i := total - tail + 1; i <= total; i++ {
				want = append(want, i)
			}
			var got []int
			markers := 0
			lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			for _, l := range lines {
				if m := row.FindStringSubmatch(l); m != nil {
					v, _ := strconv.Atoi(m[1])
					got = append(got, v)
				}
				if strings.Contains(l, marker) {
					markers++
					assert.Len(t, got, head, "the marker comes after the first rows")
				}
			}
			assert.Equal(t, want, got)
			if maxRows == 0 {
				assert.Zero(t, markers)
				assert.Equal(t, "12,345 rows", lines[len(lines)-1])
			} else {
				assert.Equal(t, 1, markers)
				assert.Equal(t, fmt.Sprintf("12,345 rows (%d shown)", maxRows), lines[len(lines)-1])
			}
		})
	}
}

// countingReader reads the numbers 1 to n, in a bigint column n, in
// batches of size.
func countingReader(t *testing.T, mem memory.Allocator, n, size int) array.RecordReader {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{{Name: "n", Type: arrow.PrimitiveTypes.Int64}}, nil)
	var recs []arrow.Record
	for from := 1; from <= n; from += size {
		b := array.NewInt64Builder(mem)
		for i := from; i < from+size && i <= n; i++ {
			b.Append(int64(i))
		}
		col := b.NewArray()
		recs = append(recs, array.NewRecord(schema, []arrow.Array{col}, int64(col.Len())))
		col.Release()
		b.Release()
	}
	rr, err := array.NewRecordReader(schema, recs)
	require.NoError(t, err)
	for _, r := range recs {
		r.Release()
	}
	return rr
}

func TestMarkdown(t *testing.T) {
	cols := append(small(), column("note", arrow.BinaryTypes.String, `a|b\c`, "line\r\nbreak", ""))
	want := `| id | name | amount | note |
| ---: | --- | ---: | --- |
| 1 | 日本語 | 1.50 | a\|b\\c |
| ∅ | NULL | -20.00 | line<br>break |
| 300 | x<br>y\x1b[2J� | ∅ |  |
`
	assert.Equal(t, want, render(t, cols, outputOptions{Format: formatMarkdown}, 1, 2))
}
