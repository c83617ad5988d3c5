package local

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
	"github.com/hopsql/hopsql/connector"
	"github.com/stretchr/testify/require"
)

// writeFile writes content to path, creating directories.
func writeFile(t testing.TB, path, content string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
}

// parquetOptions says how a test writes a Parquet file.
type parquetOptions struct {
	rowGroup int64 // rows per row group; 0 for one row group
	props    []parquet.WriterProperty
	arrow    []pqarrow.WriterOption
}

// writeParquet writes rows given as JSON (see array.RecordFromJSON) with
// schema sc to path.
func writeParquet(t testing.TB, path string, sc *arrow.Schema, rowsJSON string, opts parquetOptions) {
	t.Helper()
	rec, _, err := array.RecordFromJSON(memory.DefaultAllocator, sc, strings.NewReader(rowsJSON))
	require.NoError(t, err)
	defer rec.Release()
	writeRecord(t, path, rec, opts)
}

// writeRecord writes rec to a Parquet file at path.
func writeRecord(t testing.TB, path string, rec arrow.Record, opts parquetOptions) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	f, err := os.Create(path)
	require.NoError(t, err)
	defer f.Close()
	props := opts.props
	if opts.rowGroup > 0 {
		props = append([]parquet.WriterProperty{parquet.WithMaxRowGroupLength(opts.rowGroup)}, props...)
	}
	aopts := append([]pqarrow.WriterOption{pqarrow.WithStoreSchema()}, opts.arrow...)
	w, err := pqarrow.NewFileWriter(rec.Schema(), f, parquet.NewWriterProperties(props...), pqarrow.NewArrowWriterProperties(aopts...))
	require.NoError(t, err)
	require.NoError(t, w.Write(rec))
	require.NoError(t, w.Close())
}

// readAll reads every partition of s and returns the rows as one record
// per partition, in partition order. The caller releases them.
func readAll(t testing.TB, ctx context.Context, s connector.Scan, mem memory.Allocator) []arrow.Record {
	t.Helper()
	var out []arrow.Record
	for _, p := range s.Partitions() {
		rr, err := p.Open(ctx, mem)
		require.NoError(t, err)
		var recs []arrow.Record
		for rr.Next() {
			rec := rr.Record()
			require.True(t, rec.Schema().Equal(s.Schema()), "batch schema %s, want %s", rec.Schema(), s.Schema())
			rec.Retain()
			recs = append(recs, rec)
		}
		require.NoError(t, rr.Err())
		rr.Release()
		out = append(out, concat(t, s.Schema(), recs, mem))
		for _, r := range recs {
			r.Release()
		}
	}
	return out
}

// readTable reads every partition of s into one record.
func readTable(t testing.TB, s connector.Scan, mem memory.Allocator) arrow.Record {
	t.Helper()
	parts := readAll(t, context.Background(), s, mem)
	defer func() {
		for _, p := range parts {
			p.Release()
		}
	}()
	return concat(t, s.Schema(), parts, mem)
}

// concat copies recs into one record.
func concat(t testing.TB, sc *arrow.Schema, recs []arrow.Record, mem memory.Allocator) arrow.Record {
	t.Helper()
	var n int64
	for _, r := range recs {
		n += r.NumRows()
	}
	cols := make([]arrow.Array, sc.NumFields())
	for i := range cols {
		parts := make([]arrow.Array, len(recs))
		for j, r := range recs {
			parts[j] = r.Column(i)
		}
		if len(parts) == 0 {
			cols[i] = array.MakeArrayOfNull(mem, sc.Field(i).Type, 0)
			continue
		}
		c, err := array.Concatenate(parts, mem)
		require.NoError(t, err)
		cols[i] = c
	}
	rec := array.NewRecord(sc, cols, n)
	for _, c := range cols {
		c.Release()
	}
	return rec
}

var keptRE = regexp.MustCompile(`^row groups: (\d+) of (\d+) kept \((\d+) pruned by statistics\)$`)

// keptRowGroups parses the row-group line of a scan's Explain.
func keptRowGroups(t testing.TB, s connector.Scan) (kept, total int) {
	t.Helper()
	for _, line := range s.Explain() {
		if m := keptRE.FindStringSubmatch(line); m != nil {
			kept, _ = strconv.Atoi(m[1])
			total, _ = strconv.Atoi(m[2])
			pruned, _ := strconv.Atoi(m[3])
			require.Equal(t, total-kept, pruned)
			return kept, total
		}
	}
	t.Fatalf("no row group line in %q", s.Explain())
	return 0, 0
}

// jsonValues renders a column as JSON, for comparing values of any type.
func jsonValues(t testing.TB, a arrow.Array) string {
	t.Helper()
	b, err := a.MarshalJSON()
	require.NoError(t, err)
	return string(b)
}
