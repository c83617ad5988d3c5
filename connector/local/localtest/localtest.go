// Package localtest reads an embedded feature store straight from its
// Parquet files with pqarrow, bypassing hopsql's reader, planner and engine,
// so that tests can compute expected results independently of the code
// they test.
package localtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
	"github.com/stretchr/testify/require"
)

// Row is one row of a table: column name to value, nil for NULL. Values are
// int64, float64, bool, string (also decimals, as text with their scale),
// and time.Time (timestamps and dates, UTC).
type Row map[string]any

// ReadTable reads every row of a feature group table (<project>/<table>/*.parquet).
func ReadTable(t testing.TB, warehouse, project, table string) []Row {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(warehouse, project, table, "*.parquet"))
	require.NoError(t, err)
	require.NotEmpty(t, files, "%s::%s has no Parquet files", project, table)
	var rows []Row
	for _, path := range files {
		f, err := os.Open(path)
		require.NoError(t, err)
		pf, err := file.NewParquetReader(f)
		require.NoError(t, err)
		fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
		require.NoError(t, err)
		tbl, err := fr.ReadTable(context.Background())
		require.NoError(t, err)
		tr := array.NewTableReader(tbl, 0)
		for tr.Next() {
			rec := tr.Record()
			for i := 0; i < int(rec.NumRows()); i++ {
				r := Row{}
				for c, f := range rec.Schema().Fields() {
					r[f.Name] = Value(rec.Column(c), i)
				}
				rows = append(rows, r)
			}
		}
		tr.Release()
		tbl.Release()
		require.NoError(t, pf.Close())
	}
	return rows
}

// Value converts row i of col to the Row value representation.
func Value(col arrow.Array, i int) any {
	if col.IsNull(i) {
		return nil
	}
	switch a := col.(type) {
	case *array.Int64:
		return a.Value(i)
	case *array.Int32:
		return int64(a.Value(i))
	case *array.Float64:
		return a.Value(i)
	case *array.Boolean:
		return a.Value(i)
	case *array.String:
		// A copy: the array's memory may be reused once it is released.
		return strings.Clone(a.Value(i))
	case *array.Decimal128:
		return a.Value(i).ToString(a.DataType().(*arrow.Decimal128Type).Scale)
	case *array.Timestamp:
		return a.Value(i).ToTime(a.DataType().(*arrow.TimestampType).Unit).UTC()
	case *array.Date32:
		return a.Value(i).ToTime().UTC()
	}
	panic(fmt.Sprintf("oracle: no conversion for %s", col.DataType()))
}

// Text renders a Row value as text, so that rows compare as strings.
func Text(v any) string {
	switch v := v.(type) {
	case nil:
		return "NULL"
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case string:
		return v
	case time.Time:
		return v.Format(time.RFC3339Nano)
	}
	panic(fmt.Sprintf("oracle: no text for %T", v))
}

// Rows drains a result into rows of text, in Text's format.
func Rows(t testing.TB, rr array.RecordReader) [][]string {
	t.Helper()
	var out [][]string
	for rr.Next() {
		rec := rr.Record()
		for i := 0; i < int(rec.NumRows()); i++ {
			r := make([]string, rec.NumCols())
			for c := range r {
				r[c] = Text(Value(rec.Column(c), i))
			}
			out = append(out, r)
		}
	}
	require.NoError(t, rr.Err())
	return out
}

// Sorted sorts rows of text, for order-insensitive comparison.
func Sorted(rows [][]string) [][]string {
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		for k := range a {
			if a[k] != b[k] {
				return a[k] < b[k]
			}
		}
		return false
	})
	return rows
}

// Index maps a key column's values to the rows holding them; NULL keys are left out.
func Index(rows []Row, key string) map[any][]Row {
	m := map[any][]Row{}
	for _, r := range rows {
		if r[key] != nil {
			m[r[key]] = append(m[r[key]], r)
		}
	}
	return m
}
