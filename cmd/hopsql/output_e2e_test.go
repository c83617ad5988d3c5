package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector/local/demo"
	"github.com/hopsql/hopsql/connector/local/localtest"
)

// e2eQuery is a query of the demo store and its expected rows, read from
// the Parquet files.
type e2eQuery struct {
	project, table string
	columns        []string // the first is the key the rows are ordered by
	whereSQL       string
	where          func(localtest.Row) bool // whereSQL, for the oracle
}

func (q e2eQuery) sql() string {
	return fmt.Sprintf("SELECT %s FROM %s WHERE %s ORDER BY %s", strings.Join(q.columns, ", "), q.table, q.whereSQL, q.columns[0])
}

// want returns the query's rows from the store's files.
func (q e2eQuery) want(t *testing.T, dir string) [][]any {
	t.Helper()
	rows := localtest.ReadTable(t, dir, q.project, strings.TrimPrefix(q.table, q.project+"::"))
	var out [][]any
	for _, r := range rows {
		if !q.where(r) {
			continue
		}
		vals := make([]any, len(q.columns))
		for i, c := range q.columns {
			vals[i] = r[c]
		}
		out = append(out, vals)
	}
	slices.SortFunc(out, func(a, b []any) int { return int(a[0].(int64) - b[0].(int64)) })
	return out
}

// e2eQueries cover every type of the demo store, with NULLs.
var e2eQueries = []e2eQuery{
	{
		project: "fraud", table: "transactions_1",
		columns:  []string{"tx_id", "customer_id", "merchant_id", "amount", "currency", "ts", "is_fraud"},
		whereSQL: "tx_id <= 3000",
		where:    func(r localtest.Row) bool { return r["tx_id"].(int64) <= 3000 },
	},
	{
		project: "bank", table: "bank::customers_1",
		columns:  []string{"customer_id", "name", "age", "country", "segment", "signup_date", "credit_limit"},
		whereSQL: "customer_id <= 800",
		where:    func(r localtest.Row) bool { return r["customer_id"].(int64) <= 800 },
	},
}

// cell is a value read back from an output format; null for NULL.
type cell struct {
	text string
	null bool
}

// formatReaders read the rows of each text format back, with the header
// for the formats that have one.
var formatReaders = map[string]func(t *testing.T, out string) (header []string, rows [][]cell){
	"csv": func(t *testing.T, out string) ([]string, [][]cell) {
		records, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		require.NoError(t, err)
		var rows [][]cell
		for _, rec := range records[1:] {
			var row []cell
			for _, v := range rec {
				row = append(row, cell{text: v, null: v == ""}) // NULL and '' are both empty
			}
			rows = append(rows, row)
		}
		return records[0], rows
	},
	"tsv": func(t *testing.T, out string) ([]string, [][]cell) {
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		var rows [][]cell
		for _, l := range lines[1:] {
			var row []cell
			for _, v := range strings.Split(l, "\t") {
				row = append(row, cell{text: unescapeCopyText(t, v), null: v == `\N`})
			}
			rows = append(rows, row)
		}
		return strings.Split(lines[0], "\t"), rows
	},
	"json": func(t *testing.T, out string) ([]string, [][]cell) {
		dec := json.NewDecoder(strings.NewReader(out))
		dec.UseNumber()
		var objects []json.RawMessage
		require.NoError(t, dec.Decode(&objects))
		return jsonRows(t, objects)
	},
	"jsonl": func(t *testing.T, out string) ([]string, [][]cell) {
		var objects []json.RawMessage
		for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
			objects = append(objects, json.RawMessage(l))
		}
		return jsonRows(t, objects)
	},
}

// jsonRows reads objects, keeping the order of their keys.
func jsonRows(t *testing.T, objects []json.RawMessage) ([]string, [][]cell) {
	t.Helper()
	var header []string
	var rows [][]cell
	for i, o := range objects {
		dec := json.NewDecoder(bytes.NewReader(o))
		dec.UseNumber()
		tok, err := dec.Token()
		require.NoError(t, err)
		require.Equal(t, json.Delim('{'), tok)
		var keys []string
		var row []cell
		for dec.More() {
			key, err := dec.Token()
			require.NoError(t, err)
			keys = append(keys, key.(string))
			var v any
			require.NoError(t, dec.Decode(&v))
			switch v := v.(type) {
			case nil:
				row = append(row, cell{null: true})
			case json.Number:
				row = append(row, cell{text: v.String()})
			case string:
				row = append(row, cell{text: v})
			case bool:
				row = append(row, cell{text: strconv.FormatBool(v)})
			default:
				t.Fatalf("unexpected %T", v)
			}
		}
		if i == 0 {
			header = keys
		}
		require.Equal(t, header, keys, "object %d", i)
		rows = append(rows, row)
	}
	return header, rows
}

// matchOracle checks a value read back against the oracle's value.
func matchOracle(t *testing.T, want any, got cell, where string) {
	t.Helper()
	if want == nil {
		assert.True(t, got.null, "%s: want NULL, got %q", where, got.text)
		return
	}
	require.False(t, got.null && got.text != "", where)
	switch want := want.(type) {
	case int64:
		assert.Equal(t, strconv.FormatInt(want, 10), got.text, where)
	case float64:
		f, err := strconv.ParseFloat(got.text, 64)
		require.NoError(t, err, where)
		assert.Equal(t, want, f, where)
	case bool:
		assert.Equal(t, strconv.FormatBool(want), got.text, where)
	case string: // strings, and decimals as their exact text
		assert.Equal(t, want, got.text, where)
	case time.Time:
		layout := "2006-01-02 15:04:05.999999999"
		if len(got.text) == len(time.DateOnly) {
			layout = time.DateOnly
		}
		tm, err := time.Parse(layout, got.text)
		require.NoError(t, err, where)
		assert.True(t, want.Equal(tm), "%s: %s, got %s", where, want, got.text)
	default:
		t.Fatalf("%s: no check for %T", where, want)
	}
}

func TestFormatsEndToEnd(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, demo.Generate(context.Background(), dir, 1))
	for _, q := range e2eQueries {
		want := q.want(t, dir)
		require.NotEmpty(t, want)
		nulls := 0
		for _, r := range want {
			for _, v := range r {
				if v == nil {
					nulls++
				}
			}
		}
		require.NotZero(t, nulls, "the rows have NULLs to check")

		for format, read := range formatReaders {
			t.Run(q.table+" "+format, func(t *testing.T) {
				code, stdout, stderr := hopsql(t, "--warehouse", dir, "--project", q.project, "--format", format, "-c", q.sql())
				require.Equal(t, exitOK, code, stderr)
				header, rows := read(t, stdout)
				assert.Equal(t, q.columns, header)
				require.Len(t, rows, len(want))
				for i, r := range rows {
					require.Len(t, r, len(q.columns))
					for c := range r {
						matchOracle(t, want[i][c], r[c], fmt.Sprintf("row %d, %s", i, q.columns[c]))
					}
				}
			})
		}

		// Binary formats to files, compared with the oracle as text, and
		// their types with the store's own.
		wantText := make([][]string, len(want))
		for i, r := range want {
			for _, v := range r {
				wantText[i] = append(wantText[i], localtest.Text(v))
			}
		}
		storeTypes := parquetTypes(t, dir, q.project, strings.TrimPrefix(q.table, q.project+"::"))
		for _, format := range []string{"arrow", "parquet"} {
			t.Run(q.table+" "+format, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "out."+format)
				code, stdout, stderr := hopsql(t, "--warehouse", dir, "--project", q.project, "--format", format, "-o", path, "-c", q.sql())
				require.Equal(t, exitOK, code, stderr)
				assert.Empty(t, stdout)
				b, err := os.ReadFile(path)
				require.NoError(t, err)
				var got [][]string
				var schema *arrow.Schema
				if format == "parquet" {
					got = readParquet(t, b)
					schema = parquetSchema(t, bytes.NewReader(b))
				} else {
					r, err := ipc.NewReader(bytes.NewReader(b))
					require.NoError(t, err)
					defer r.Release()
					schema = r.Schema()
					got = localtest.Rows(t, r)
				}
				assert.Equal(t, wantText, got)
				for i, f := range schema.Fields() {
					assert.Equal(t, q.columns[i], f.Name)
					assert.True(t, sameType(storeTypes[f.Name], f.Type), "%s: %s, the store has %s", f.Name, f.Type, storeTypes[f.Name])
				}
			})
		}
	}
}

// sameType reports whether a result's column has the type of the store's.
// Timestamps need only have the same unit: results have timestamps without
// a time zone (UTC all the same) where the store's are marked UTC.
func sameType(store, result arrow.DataType) bool {
	st, ok1 := store.(*arrow.TimestampType)
	rt, ok2 := result.(*arrow.TimestampType)
	if ok1 && ok2 {
		return st.Unit == rt.Unit
	}
	return arrow.TypeEqual(store, result)
}

// parquetTypes returns the types of a table's columns, from its first
// Parquet file.
func parquetTypes(t *testing.T, dir, project, table string) map[string]arrow.DataType {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, project, table, "*.parquet"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	f, err := os.Open(files[0])
	require.NoError(t, err)
	defer f.Close()
	types := map[string]arrow.DataType{}
	for _, field := range parquetSchema(t, f).Fields() {
		types[field.Name] = field.Type
	}
	return types
}

func parquetSchema(t *testing.T, r interface {
	ReadAt([]byte, int64) (int, error)
	Seek(int64, int) (int64, error)
	Read([]byte) (int, error)
}) *arrow.Schema {
	t.Helper()
	pf, err := file.NewParquetReader(r)
	require.NoError(t, err)
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	require.NoError(t, err)
	schema, err := fr.Schema()
	require.NoError(t, err)
	return schema
}

// TestTableEndToEnd reads a whole table as a table of its first and last
// rows.
func TestTableEndToEnd(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, demo.Generate(context.Background(), dir, 1))
	var ids []int64
	for _, r := range localtest.ReadTable(t, dir, "fraud", "transactions_1") {
		ids = append(ids, r["tx_id"].(int64))
	}
	slices.Sort(ids)

	code, stdout, stderr := hopsql(t, "--warehouse", dir, "--project", "fraud", "--format", "table", "--max-rows", "6",
		"-c", "SELECT tx_id, amount FROM transactions_1 ORDER BY tx_id")
	require.Equal(t, exitOK, code, stderr)
	row := regexp.MustCompile(`^│\s+(\d+) │\s+[0-9.]+ │$`)
	var got []int64
	for _, l := range strings.Split(stdout, "\n") {
		if m := row.FindStringSubmatch(l); m != nil {
			n, err := strconv.ParseInt(m[1], 10, 64)
			require.NoError(t, err)
			got = append(got, n)
		}
	}
	want := append(slices.Clone(ids[:3]), ids[len(ids)-3:]...)
	assert.Equal(t, want, got)
	m := regexp.MustCompile(`(?m)^([\d,]+) rows \(6 shown\)\n\z`).FindStringSubmatch(stdout)
	require.NotNil(t, m, stdout)
	assert.Equal(t, strconv.Itoa(len(ids)), strings.ReplaceAll(m[1], ",", ""))
}

// TestBinaryOutputAndTerminals checks that Arrow and Parquet are not
// written to a terminal, but are to a file when standard output is one.
func TestBinaryOutputAndTerminals(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, demo.Generate(context.Background(), dir, 1))
	query := "SELECT merchant_id, name FROM merchants_1 ORDER BY merchant_id LIMIT 5"
	for _, format := range []string{"arrow", "parquet"} {
		env, stdout, stderr := testEnv("", map[string]string{"XDG_CONFIG_HOME": t.TempDir()})
		env.isTerminal = func(f any) bool { return f == env.stdout }
		code := env.run(context.Background(), []string{"--warehouse", dir, "--project", "bank", "--format", format, "-c", query})
		assert.Equal(t, exitQuery, code, format)
		assert.Contains(t, stderr.String(), "use -o FILE", format)
		assert.Empty(t, stdout.String(), format)

		path := filepath.Join(t.TempDir(), "out")
		env, stdout, stderr = testEnv("", map[string]string{"XDG_CONFIG_HOME": t.TempDir()})
		env.isTerminal = func(f any) bool { return f == env.stdout }
		code = env.run(context.Background(), []string{"--warehouse", dir, "--project", "bank", "--format", format, "-o", path, "-c", query})
		require.Equal(t, exitOK, code, stderr.String())
		assert.Empty(t, stdout.String())
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		var rows [][]string
		if format == "parquet" {
			rows = readParquet(t, b)
		} else {
			r, err := ipc.NewReader(bytes.NewReader(b))
			require.NoError(t, err)
			rows = localtest.Rows(t, r)
			r.Release()
		}
		merchants := localtest.ReadTable(t, dir, "bank", "merchants_1")
		slices.SortFunc(merchants, func(a, b localtest.Row) int { return int(a["merchant_id"].(int64) - b["merchant_id"].(int64)) })
		var want [][]string
		for _, r := range merchants[:5] {
			want = append(want, []string{localtest.Text(r["merchant_id"]), localtest.Text(r["name"])})
		}
		assert.Equal(t, want, rows, format)
	}
}
