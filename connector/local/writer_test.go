package local_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector/local"
)

func writerTestGroup() local.FeatureGroupFile {
	ts := "ts"
	return local.FeatureGroupFile{
		Name:        "payments",
		Version:     3,
		Description: "test rows",
		PrimaryKey:  []string{"id"},
		EventTime:   &ts,
		Features: []local.FeatureFile{
			{Name: "id", Type: "bigint", Description: "row number"},
			{Name: "label", Type: "string"},
			{Name: "amount", Type: "decimal(12,2)"},
			{Name: "ts", Type: "timestamp"},
			{Name: "day", Type: "date"},
			{Name: "ok", Type: "boolean"},
		},
	}
}

// writerTestRecords returns rows [from, to) of a deterministic table with
// NULLs in every nullable column, as records of at most chunk rows.
func writerTestRecords(mem memory.Allocator, schema *arrow.Schema, from, to, chunk int) []arrow.Record {
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	var recs []arrow.Record
	for start := from; start < to; start += chunk {
		end := min(start+chunk, to)
		for i := start; i < end; i++ {
			b.Field(0).(*array.Int64Builder).Append(int64(i))
			if i%7 == 3 {
				b.Field(1).(*array.StringBuilder).AppendNull()
			} else {
				b.Field(1).(*array.StringBuilder).Append(string(rune('a' + i%26)))
			}
			if i%11 == 5 {
				b.Field(2).(*array.Decimal128Builder).AppendNull()
			} else {
				b.Field(2).(*array.Decimal128Builder).Append(decimal128.FromI64(int64(i*i%100_000 - 500)))
			}
			b.Field(3).(*array.TimestampBuilder).Append(arrow.Timestamp(1_767_225_600_000_000 + int64(i)*1_000_003))
			b.Field(4).(*array.Date32Builder).Append(arrow.Date32(20_454 + i%90))
			b.Field(5).(*array.BooleanBuilder).Append(i%3 == 0)
		}
		recs = append(recs, b.NewRecord())
	}
	return recs
}

func releaseAll(recs []arrow.Record) {
	for _, r := range recs {
		r.Release()
	}
}

// writeTestGroup writes rows [0, n) in chunks of chunk rows and returns the
// feature group directory.
func writeTestGroup(t *testing.T, mem memory.Allocator, n, chunk int, opts ...local.WriterOption) string {
	t.Helper()
	dir := t.TempDir()
	w, err := local.CreateFeatureGroup(dir, writerTestGroup(), append(opts, local.WithWriterAllocator(mem))...)
	require.NoError(t, err)
	recs := writerTestRecords(mem, w.Schema(), 0, n, chunk)
	for _, r := range recs {
		require.NoError(t, w.Write(r))
	}
	releaseAll(recs)
	require.NoError(t, w.Close())
	return filepath.Join(dir, "payments_3")
}

func dirFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// readParquet reads a whole file back; it also returns the row count of
// each row group.
func readParquet(t *testing.T, mem memory.Allocator, path string) (arrow.Table, []int64) {
	t.Helper()
	f, err := file.OpenParquetFile(path, false)
	require.NoError(t, err)
	defer f.Close()
	var groups []int64
	for i := range f.NumRowGroups() {
		groups = append(groups, f.RowGroup(i).NumRows())
	}
	fr, err := pqarrow.NewFileReader(f, pqarrow.ArrowReadProperties{BatchSize: 1024}, mem)
	require.NoError(t, err)
	tbl, err := fr.ReadTable(context.Background())
	require.NoError(t, err)
	return tbl, groups
}

func TestWriteProject(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, local.WriteProject(dir, local.ProjectFile{Name: "bank", SharedWith: []string{"fraud"}}))
	path := filepath.Join(dir, "bank", local.ProjectFileName)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "{\n  \"name\": \"bank\",\n  \"shared_with\": [\n    \"fraud\"\n  ]\n}\n", string(b))
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), fi.Mode().Perm()&0o644)
	assert.Equal(t, []string{local.ProjectFileName}, dirFiles(t, filepath.Join(dir, "bank")))

	require.NoError(t, local.WriteProject(dir, local.ProjectFile{Name: "fraud"}))
	b, err = os.ReadFile(filepath.Join(dir, "fraud", local.ProjectFileName))
	require.NoError(t, err)
	assert.Equal(t, "{\n  \"name\": \"fraud\"\n}\n", string(b))

	for _, p := range []local.ProjectFile{{}, {Name: "../x"}, {Name: "a b"}, {Name: "ok", SharedWith: []string{"no/pe"}}} {
		assert.Error(t, local.WriteProject(dir, p), "%+v", p)
	}
}

func TestCreateFeatureGroupChecks(t *testing.T) {
	mod := func(f func(*local.FeatureGroupFile)) local.FeatureGroupFile {
		fg := writerTestGroup()
		fg.Features = slices.Clone(fg.Features)
		f(&fg)
		return fg
	}
	bad := "nope"
	dt := "day"
	cases := map[string]struct {
		fg   local.FeatureGroupFile
		want string
	}{
		"type":         {mod(func(fg *local.FeatureGroupFile) { fg.Features[2].Type = "decimal(12" }), `feature "amount": invalid feature type`},
		"unknown type": {mod(func(fg *local.FeatureGroupFile) { fg.Features[1].Type = "varchar" }), `unknown type "varchar"`},
		"name":         {mod(func(fg *local.FeatureGroupFile) { fg.Name = "Payments" }), "feature group name"},
		"feature name": {mod(func(fg *local.FeatureGroupFile) { fg.Features[1].Name = "la-bel" }), "feature name"},
		"duplicate":    {mod(func(fg *local.FeatureGroupFile) { fg.Features[1].Name = "id" }), `feature "id" appears twice`},
		"version":      {mod(func(fg *local.FeatureGroupFile) { fg.Version = 0 }), "version 0"},
		"no features":  {mod(func(fg *local.FeatureGroupFile) { fg.Features = nil }), "no features"},
		"primary key":  {mod(func(fg *local.FeatureGroupFile) { fg.PrimaryKey = []string{"nope"} }), `"primary_key" names "nope"`},
		"event time":   {mod(func(fg *local.FeatureGroupFile) { fg.EventTime = &bad }), `"event_time" names "nope"`},
		"event type":   {mod(func(fg *local.FeatureGroupFile) { dt = "label"; fg.EventTime = &dt }), "must be a timestamp, date or bigint feature"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			_, err := local.CreateFeatureGroup(dir, c.fg)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.Empty(t, dirFiles(t, dir), "nothing is written for a bad feature group")
		})
	}

	dir := t.TempDir()
	_, err := local.CreateFeatureGroup(dir, writerTestGroup(), local.WithRowGroupLength(0))
	assert.ErrorContains(t, err, "row group length")
	_, err = local.CreateFeatureGroup(dir, writerTestGroup(), local.WithRowsPerFile(-1))
	assert.ErrorContains(t, err, "rows per file")

	// A directory that already holds rows is refused.
	fgDir := filepath.Join(dir, "payments_3")
	require.NoError(t, os.MkdirAll(fgDir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(fgDir, "old.parquet"), []byte("x"), 0o644))
	_, err = local.CreateFeatureGroup(dir, writerTestGroup())
	assert.ErrorContains(t, err, "already holds Parquet files")
}

func TestTableWriterMetadata(t *testing.T) {
	dir := t.TempDir()
	fg := writerTestGroup()
	w, err := local.CreateFeatureGroup(dir, fg)
	require.NoError(t, err)
	require.NoError(t, w.Close())

	b, err := os.ReadFile(filepath.Join(dir, "payments_3", local.FeatureGroupFileName))
	require.NoError(t, err)
	assert.True(t, bytes.HasSuffix(b, []byte("}\n")))
	assert.Contains(t, string(b), "\n  \"name\": \"payments\",\n")
	var back local.FeatureGroupFile
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, fg, back)
	// No rows, no Parquet file.
	assert.Equal(t, []string{local.FeatureGroupFileName}, dirFiles(t, filepath.Join(dir, "payments_3")))

	want := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "label", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "amount", Type: &arrow.Decimal128Type{Precision: 12, Scale: 2}, Nullable: true},
		{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Microsecond}, Nullable: true},
		{Name: "day", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
		{Name: "ok", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	}, nil)
	assert.True(t, want.Equal(w.Schema()), "schema %s", w.Schema())
}

func TestTableWriterSchemaMismatch(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	w, err := local.CreateFeatureGroup(dir, writerTestGroup(), local.WithWriterAllocator(mem))
	require.NoError(t, err)

	fields := w.Schema().Fields()
	check := func(fields []arrow.Field, want string) {
		t.Helper()
		s := arrow.NewSchema(fields, nil)
		b := array.NewRecordBuilder(mem, s)
		defer b.Release()
		rec := b.NewRecord()
		defer rec.Release()
		err := w.Write(rec)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "payments_3")
		assert.Contains(t, err.Error(), want)
	}
	check(fields[:5], "record has 5 columns, want 6")
	renamed := slices.Clone(fields)
	renamed[1].Name = "name"
	check(renamed, `record column 1 is "name", want "label"`)
	retyped := slices.Clone(fields)
	retyped[2].Type = &arrow.Decimal128Type{Precision: 10, Scale: 2}
	check(retyped, `record column "amount" has type decimal(10, 2), want decimal(12, 2)`)
	retyped = slices.Clone(fields)
	retyped[3].Type = &arrow.TimestampType{Unit: arrow.Millisecond}
	check(retyped, `record column "ts" has type timestamp[ms]`)

	// Nullability and metadata do not matter, and a rejected record does
	// not break the writer.
	relaxed := slices.Clone(fields)
	relaxed[0].Nullable = false
	relaxed[0].Metadata = arrow.NewMetadata([]string{"k"}, []string{"v"})
	recs := writerTestRecords(mem, arrow.NewSchema(relaxed, nil), 0, 10, 10)
	require.NoError(t, w.Write(recs[0]))
	releaseAll(recs)
	require.NoError(t, w.Close())
	assert.ErrorContains(t, w.Write(recs[0]), "closed")
	assert.Equal(t, []string{local.FeatureGroupFileName, "part-00000.parquet"}, dirFiles(t, filepath.Join(dir, "payments_3")))
}

func TestTableWriterRollsFiles(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	dir := writeTestGroup(t, mem, 1000, 37, local.WithRowGroupLength(100), local.WithRowsPerFile(250))
	assert.Equal(t, []string{
		local.FeatureGroupFileName,
		"part-00000.parquet", "part-00001.parquet", "part-00002.parquet", "part-00003.parquet",
	}, dirFiles(t, dir))

	// The files hold the rows in order.
	var next int64
	for i := range 4 {
		tbl, groups := readParquet(t, mem, filepath.Join(dir, fmt.Sprintf("part-%05d.parquet", i)))
		assert.Equal(t, []int64{100, 100, 50}, groups)
		require.EqualValues(t, 250, tbl.NumRows())
		for _, c := range tbl.Column(0).Data().Chunks() {
			for _, v := range c.(*array.Int64).Int64Values() {
				assert.Equal(t, next, v)
				next++
			}
		}
		tbl.Release()
	}
	assert.EqualValues(t, 1000, next)
}

func TestTableWriterRoundTrip(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	dir := writeTestGroup(t, mem, 1000, 333, local.WithRowGroupLength(128))

	tbl, groups := readParquet(t, mem, filepath.Join(dir, "part-00000.parquet"))
	defer tbl.Release()
	assert.Equal(t, []int64{128, 128, 128, 128, 128, 128, 128, 104}, groups)

	w, err := local.CreateFeatureGroup(t.TempDir(), writerTestGroup())
	require.NoError(t, err)
	defer w.Abort()
	// The stored Arrow schema brings back timestamp units and decimals
	// exactly. (pqarrow v15 reads every timestamp column as a UTC instant,
	// timestamp[us, tz=UTC]: the files mark timestamps as adjusted to UTC,
	// which Hopsworks timestamps are.)
	require.Equal(t, w.Schema().NumFields(), tbl.Schema().NumFields())
	for i, f := range w.Schema().Fields() {
		got := tbl.Schema().Field(i)
		assert.Equal(t, f.Name, got.Name)
		if ts, ok := got.Type.(*arrow.TimestampType); ok {
			assert.Equal(t, arrow.Microsecond, ts.Unit)
			assert.Equal(t, "UTC", ts.TimeZone)
			continue
		}
		assert.True(t, arrow.TypeEqual(f.Type, got.Type), "%s: wrote %s, read %s", f.Name, f.Type, got.Type)
	}

	want := writerTestRecords(mem, w.Schema(), 0, 1000, 1000)
	defer releaseAll(want)
	tr := array.NewTableReader(tbl, 1000)
	defer tr.Release()
	require.True(t, tr.Next())
	got := tr.Record()
	for i := range int(want[0].NumCols()) {
		w, g := want[0].Column(i), got.Column(i)
		if ts, ok := w.(*array.Timestamp); ok {
			assert.Equal(t, ts.TimestampValues(), g.(*array.Timestamp).TimestampValues())
			assert.Zero(t, g.NullN())
			continue
		}
		assert.True(t, array.Equal(w, g), "column %s", got.ColumnName(i))
	}
	assert.False(t, tr.Next())

	// Statistics are written, for every column.
	f, err := file.OpenParquetFile(filepath.Join(dir, "part-00000.parquet"), false)
	require.NoError(t, err)
	defer f.Close()
	assert.Equal(t, "parquet-go version 15.0.2 (build hopsql)", f.MetaData().GetCreatedBy())
	assert.NotNil(t, f.MetaData().KeyValueMetadata().FindValue("ARROW:schema"))
	// decimal(12,2) is stored as INT64, as Spark and DuckDB store it.
	assert.Equal(t, parquet.Types.Int64, f.MetaData().Schema.Column(2).PhysicalType())
	for rg := range f.NumRowGroups() {
		for c := range 6 {
			chunk, err := f.MetaData().RowGroup(rg).ColumnChunk(c)
			require.NoError(t, err)
			ok, err := chunk.StatsSet()
			require.NoError(t, err)
			assert.True(t, ok, "row group %d column %d has statistics", rg, c)
		}
	}
}

// TestTableWriterDeterministic writes the same rows in different batches:
// the bytes must not change.
func TestTableWriterDeterministic(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	opts := []local.WriterOption{local.WithRowGroupLength(100), local.WithRowsPerFile(450)}
	var first map[string][]byte
	for _, chunk := range []int{1000, 1, 37, 100, 333} {
		dir := writeTestGroup(t, mem, 1000, chunk, opts...)
		files := map[string][]byte{}
		for _, name := range dirFiles(t, dir) {
			b, err := os.ReadFile(filepath.Join(dir, name))
			require.NoError(t, err)
			files[name] = b
		}
		if first == nil {
			first = files
			assert.Len(t, files, 4) // featuregroup.json and 3 parts
			continue
		}
		require.Equal(t, len(first), len(files))
		for name, b := range first {
			assert.True(t, bytes.Equal(b, files[name]), "chunk %d: %s differs", chunk, name)
		}
	}
}

// TestTableWriterTempNames checks that a file in progress is not visible as
// a Parquet file and that Close leaves no temporary file behind.
func TestTableWriterTempNames(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	fgDir := filepath.Join(dir, "payments_3")
	w, err := local.CreateFeatureGroup(dir, writerTestGroup(), local.WithRowGroupLength(100), local.WithRowsPerFile(200), local.WithWriterAllocator(mem))
	require.NoError(t, err)
	recs := writerTestRecords(mem, w.Schema(), 0, 350, 50)
	defer releaseAll(recs)
	for _, r := range recs[:3] {
		require.NoError(t, w.Write(r))
	}
	assert.Equal(t, []string{local.FeatureGroupFileName, "part-00000.parquet.tmp"}, dirFiles(t, fgDir))
	for _, r := range recs[3:] {
		require.NoError(t, w.Write(r))
	}
	assert.Equal(t, []string{local.FeatureGroupFileName, "part-00000.parquet", "part-00001.parquet.tmp"}, dirFiles(t, fgDir))
	require.NoError(t, w.Close())
	assert.Equal(t, []string{local.FeatureGroupFileName, "part-00000.parquet", "part-00001.parquet"}, dirFiles(t, fgDir))
}

func TestTableWriterAbort(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	w, err := local.CreateFeatureGroup(dir, writerTestGroup(), local.WithRowGroupLength(100), local.WithRowsPerFile(200), local.WithWriterAllocator(mem))
	require.NoError(t, err)
	recs := writerTestRecords(mem, w.Schema(), 0, 330, 110)
	defer releaseAll(recs)
	for _, r := range recs {
		require.NoError(t, w.Write(r))
	}
	require.NoError(t, w.Abort())
	assert.Empty(t, dirFiles(t, dir))
	assert.Error(t, w.Write(recs[0]))
	assert.Error(t, w.Close())
}
