package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector/local/localtest"
)

// fixtureBounds split the fixture's 7 rows into batches of 2, 1, 0, 2 and
// 2 rows.
var fixtureBounds = []int{2, 3, 3, 5}

// TestFormatsReadBack writes the fixture, in several batches, in each
// machine format and reads it back with an independent reader.
func TestFormatsReadBack(t *testing.T) {
	cols := fixture()
	tests := []struct {
		format outputFormat
		check  func(t *testing.T, out []byte)
	}{
		{formatCSV, func(t *testing.T, out []byte) {
			records, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
			require.NoError(t, err)
			checkTextRows(t, cols, records, "")
		}},
		{formatTSV, func(t *testing.T, out []byte) {
			lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
			records := make([][]string, len(lines))
			for i, l := range lines {
				for _, f := range strings.Split(l, "\t") {
					records[i] = append(records[i], unescapeCopyText(t, f))
				}
			}
			checkTextRows(t, cols, records, tsvNull)
		}},
		{formatJSON, func(t *testing.T, out []byte) {
			dec := json.NewDecoder(bytes.NewReader(out))
			dec.UseNumber()
			var rows []map[string]any
			require.NoError(t, dec.Decode(&rows))
			assert.False(t, dec.More(), "one array, nothing after it")
			checkJSONRows(t, cols, rows)
			assert.Equal(t, len(cols[0].values)+2, strings.Count(string(out), "\n"), "an object a line:\n%s", out)
		}},
		{formatJSONL, func(t *testing.T, out []byte) {
			var rows []map[string]any
			for _, l := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
				dec := json.NewDecoder(strings.NewReader(l))
				dec.UseNumber()
				var row map[string]any
				require.NoError(t, dec.Decode(&row), l)
				rows = append(rows, row)
			}
			checkJSONRows(t, cols, rows)
		}},
		{formatArrow, func(t *testing.T, out []byte) {
			r, err := ipc.NewReader(bytes.NewReader(out))
			require.NoError(t, err)
			defer r.Release()
			want, recs := fixtureReader(t, memory.DefaultAllocator, cols, fixtureBounds...)
			defer releaseAll(want, recs)
			assert.True(t, r.Schema().Equal(want.Schema()), "schema %s", r.Schema())
			i := 0
			for ; r.Next(); i++ {
				require.Less(t, i, len(recs))
				assert.True(t, array.RecordEqual(recs[i], r.Record()), "batch %d", i)
			}
			require.NoError(t, r.Err())
			assert.Equal(t, len(recs), i, "one IPC batch per batch")
		}},
		{formatParquet, func(t *testing.T, out []byte) {
			got := readParquet(t, out)
			want, recs := fixtureReader(t, memory.DefaultAllocator, cols)
			defer releaseAll(want, recs)
			assert.Equal(t, localtest.Rows(t, want), got)
		}},
	}
	for _, tc := range tests {
		t.Run(string(tc.format), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			rr, recs := fixtureReader(t, mem, cols, fixtureBounds...)
			defer releaseAll(rr, recs)
			var out bytes.Buffer
			n, err := writeResult(&out, rr, &outputOptions{Format: tc.format})
			require.NoError(t, err)
			assert.Equal(t, int64(len(cols[0].values)), n)
			tc.check(t, out.Bytes())
		})
	}
}

// checkTextRows checks rows of text read back from a format: a header of
// the names, then the fixture's rows in order, NULL as null.
func checkTextRows(t *testing.T, cols []fixtureColumn, records [][]string, null string) {
	t.Helper()
	require.Len(t, records, len(cols[0].values)+1)
	assert.Equal(t, columnNames(fixtureSchema(cols)), records[0])
	for i, rec := range records[1:] {
		require.Len(t, rec, len(cols), "row %d", i)
		for c, col := range cols {
			where := fmt.Sprintf("row %d, %s", i, col.field.Name)
			if want := col.values[i]; want == nil {
				assert.Equal(t, null, rec[c], where)
			} else {
				assertText(t, want, rec[c], where)
			}
		}
	}
}

// checkJSONRows checks objects read back with json.Decoder.UseNumber: the
// fixture's rows in order, NULL as null, numbers and booleans as JSON
// numbers and booleans, the rest as strings.
func checkJSONRows(t *testing.T, cols []fixtureColumn, rows []map[string]any) {
	t.Helper()
	require.Len(t, rows, len(cols[0].values))
	for i, row := range rows {
		assert.Len(t, row, len(cols), "row %d", i)
		for _, col := range cols {
			where := fmt.Sprintf("row %d, %s", i, col.field.Name)
			got, want := row[col.field.Name], col.values[i]
			if want == nil {
				assert.Nil(t, got, where)
				continue
			}
			switch got := got.(type) {
			case json.Number:
				assert.True(t, rightAligned(col.field.Type), "%s: a number: %s", where, got)
				assertText(t, want, got.String(), where)
			case bool:
				assert.Equal(t, want, got, where)
			case string:
				assert.False(t, rightAligned(col.field.Type), "%s: a string: %q", where, got)
				assertText(t, want, got, where)
			default:
				t.Errorf("%s: %T %v", where, got, got)
			}
		}
	}
}

// unescapeCopyText reads a value of PostgreSQL's COPY text format.
func unescapeCopyText(t *testing.T, s string) string {
	t.Helper()
	if s == `\N` {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		i++
		require.Less(t, i, len(s), "a lone backslash ends %q", s)
		c, ok := map[byte]byte{'\\': '\\', 't': '\t', 'n': '\n', 'r': '\r', 'b': '\b', 'f': '\f', 'v': '\v'}[s[i]]
		require.True(t, ok, "unknown escape in %q", s)
		b.WriteByte(c)
	}
	return b.String()
}

// readParquet reads a Parquet file into rows of localtest.Text.
func readParquet(t *testing.T, b []byte) [][]string {
	t.Helper()
	pf, err := file.NewParquetReader(bytes.NewReader(b))
	require.NoError(t, err)
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	require.NoError(t, err)
	tbl, err := fr.ReadTable(context.Background())
	require.NoError(t, err)
	defer tbl.Release()
	tr := array.NewTableReader(tbl, 0)
	defer tr.Release()
	return localtest.Rows(t, tr)
}

func TestJSONSpecialValues(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	// Duplicate names, and floats JSON has no numbers for.
	cols := []fixtureColumn{
		{arrow.Field{Name: "id", Type: arrow.PrimitiveTypes.Int64}, []any{int64(1), int64(2), int64(3)}},
		{arrow.Field{Name: "id", Type: arrow.PrimitiveTypes.Float64}, []any{math.NaN(), math.Inf(1), math.Inf(-1)}},
		{arrow.Field{Name: "id_2", Type: arrow.BinaryTypes.String}, []any{"a", "b", "c"}},
	}
	rr, recs := fixtureReader(t, mem, cols)
	defer releaseAll(rr, recs)
	var out bytes.Buffer
	_, err := writeResult(&out, rr, &outputOptions{Format: formatJSONL})
	require.NoError(t, err)
	want := []map[string]any{
		{"id": 1.0, "id_3": nil, "id_2": "a"},
		{"id": 2.0, "id_3": nil, "id_2": "b"},
		{"id": 3.0, "id_3": nil, "id_2": "c"},
	}
	dec := json.NewDecoder(&out)
	for i := 0; dec.More(); i++ {
		var row map[string]any
		require.NoError(t, dec.Decode(&row))
		require.Less(t, i, len(want))
		assert.Equal(t, want[i], row)
	}
}

func TestEmptyAndColumnlessResults(t *testing.T) {
	one := []fixtureColumn{{arrow.Field{Name: "a", Type: arrow.PrimitiveTypes.Int64}, []any{}}}
	tests := []struct {
		format outputFormat
		cols   []fixtureColumn
		want   string
	}{
		{formatCSV, one, "a\n"},
		{formatTSV, one, "a\n"},
		{formatJSON, one, "[\n]\n"},
		{formatJSONL, one, ""},
		{formatMarkdown, one, "| a |\n| ---: |\n"},
		{formatTable, one, "┌────────┐\n│ a      │\n│ bigint │\n├────────┤\n└────────┘\n0 rows\n"},
	}
	for _, tc := range tests {
		t.Run(string(tc.format), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			rr, recs := fixtureReader(t, mem, tc.cols)
			defer releaseAll(rr, recs)
			var out bytes.Buffer
			n, err := writeResult(&out, rr, &outputOptions{Format: tc.format})
			require.NoError(t, err)
			assert.Zero(t, n)
			assert.Equal(t, tc.want, out.String())
		})
	}

	// Rows without columns (SELECT FROM t, were it allowed) are counted.
	for _, format := range []outputFormat{formatCSV, formatTSV, formatJSON, formatJSONL, formatMarkdown, formatTable, formatArrow} {
		t.Run("columnless "+string(format), func(t *testing.T) {
			schema := arrow.NewSchema(nil, nil)
			rec := array.NewRecord(schema, nil, 3)
			defer rec.Release()
			rr, err := array.NewRecordReader(schema, []arrow.Record{rec})
			require.NoError(t, err)
			defer rr.Release()
			var out bytes.Buffer
			n, err := writeResult(&out, rr, &outputOptions{Format: format})
			require.NoError(t, err)
			assert.Equal(t, int64(3), n)
			switch format {
			case formatJSON:
				assert.Equal(t, "[\n{},\n{},\n{}\n]\n", out.String())
			case formatJSONL:
				assert.Equal(t, "{}\n{}\n{}\n", out.String())
			case formatTable:
				assert.Equal(t, "3 rows, no columns\n", out.String())
			case formatArrow:
				r, err := ipc.NewReader(&out)
				require.NoError(t, err)
				defer r.Release()
				require.True(t, r.Next())
				assert.Equal(t, int64(3), r.Record().NumRows())
			default:
				assert.Empty(t, out.String())
			}
		})
	}
}

func TestBinaryFormatsRefuseATerminal(t *testing.T) {
	for _, format := range []outputFormat{formatArrow, formatParquet} {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		rr, recs := fixtureReader(t, mem, fixture())
		var out bytes.Buffer
		_, err := writeResult(&out, rr, &outputOptions{Format: format, Terminal: true})
		assert.ErrorContains(t, err, "use -o FILE", format)
		assert.Empty(t, out.String(), format)
		releaseAll(rr, recs)
		mem.AssertSize(t, 0)
	}
}

// failingReader returns the batches of its reader, then fails.
type failingReader struct {
	array.RecordReader
	err error
}

// Err returns the reader's error once its batches are read.
func (r *failingReader) Err() error { return r.err }

// TestAFailingResult checks that an error part way through a result is
// returned, and that no format makes the partial output look complete.
func TestAFailingResult(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		format outputFormat
		check  func(t *testing.T, out []byte)
	}{
		{formatTable, func(t *testing.T, out []byte) { assert.Empty(t, out) }},
		{formatJSON, func(t *testing.T, out []byte) {
			assert.Error(t, json.Unmarshal(out, new([]any)), "an unclosed array: %s", out)
		}},
		{formatCSV, func(t *testing.T, out []byte) {
			records, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
			require.NoError(t, err)
			assert.Len(t, records, 1+7, "what was read is written")
		}},
		{formatParquet, func(t *testing.T, out []byte) {
			_, err := file.NewParquetReader(bytes.NewReader(out))
			assert.Error(t, err, "no footer")
		}},
	}
	for _, tc := range tests {
		t.Run(string(tc.format), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			rr, recs := fixtureReader(t, mem, fixture(), fixtureBounds...)
			defer releaseAll(rr, recs)
			var out bytes.Buffer
			n, err := writeResult(&out, &failingReader{rr, boom}, &outputOptions{Format: tc.format})
			assert.ErrorIs(t, err, boom)
			assert.Equal(t, int64(7), n)
			tc.check(t, out.Bytes())
		})
	}
}

// errWriter fails every write.
type errWriter struct{ err error }

func (w errWriter) Write([]byte) (int, error) { return 0, w.err }

func TestWriteErrorsAreReturned(t *testing.T) {
	full := errors.New("disk full")
	for _, format := range []outputFormat{formatTable, formatCSV, formatTSV, formatJSON, formatJSONL, formatMarkdown, formatArrow, formatParquet} {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		rr, recs := fixtureReader(t, mem, fixture(), fixtureBounds...)
		_, err := writeResult(errWriter{full}, rr, &outputOptions{Format: format})
		assert.ErrorIs(t, err, full, format)
		releaseAll(rr, recs)
		mem.AssertSize(t, 0)
	}
}
