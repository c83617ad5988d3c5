package local

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
	"github.com/hopsql/hopsql/connector"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fgFixture is a feature group written to a test warehouse.
type fgFixture struct {
	w  *Warehouse
	fg *connector.FeatureGroup
}

// makeFeatureGroup writes project p's feature group name_1 with the given
// features ("name type" pairs) and returns it as the warehouse lists it.
func makeFeatureGroup(t *testing.T, features ...string) fgFixture {
	t.Helper()
	var fs []string
	for _, f := range features {
		name, typ, _ := strings.Cut(f, " ")
		fs = append(fs, fmt.Sprintf(`{"name": %q, "type": %q}`, name, typ))
	}
	w := makeWarehouse(t, map[string]string{
		"p/t_1/featuregroup.json": `{"name": "t", "version": 1, "features": [` + strings.Join(fs, ", ") + `]}`,
	})
	fgs, err := w.FeatureGroups(context.Background(), "p")
	require.NoError(t, err)
	require.Len(t, fgs, 1)
	return fgFixture{w: w, fg: fgs[0]}
}

// path returns the path of a file in the feature group's directory.
func (f fgFixture) path(name string) string { return filepath.Join(f.w.Dir(), "p", "t_1", name) }

func (f fgFixture) plan(t *testing.T, req connector.ScanRequest) connector.Scan {
	t.Helper()
	s, err := f.w.PlanScan(context.Background(), f.fg, req)
	require.NoError(t, err)
	return s
}

var allTypes = []string{
	"id bigint", "i int", "s16 smallint", "s8 tinyint", "f float", "dbl double", "flag boolean",
	"name string", "bin binary", "d date", "ts timestamp", "amount decimal(12,2)", "tags array<string>",
	"owner struct<id:bigint,name:string>", "nested array<struct<k:string,v:array<int>>>",
}

const allTypesRows = `[
 {"id": 1, "i": -1, "s16": 300, "s8": -8, "f": 1.5, "dbl": 2.25, "flag": true, "name": "ann", "bin": "AAE=",
  "d": "2026-01-02", "ts": "2026-01-01 10:00:00.123456", "amount": "-12.34", "tags": ["a", null, "b"],
  "owner": {"id": 10, "name": "x"}, "nested": [{"k": "a", "v": [1, 2]}, {"k": null, "v": null}]},
 {"id": 2, "i": null, "s16": null, "s8": null, "f": null, "dbl": null, "flag": null, "name": null, "bin": null,
  "d": null, "ts": null, "amount": null, "tags": null, "owner": null, "nested": null},
 {"id": 3, "i": 3, "s16": 3, "s8": 3, "f": -0.5, "dbl": 1e300, "flag": false, "name": "", "bin": "",
  "d": "1969-12-31", "ts": "1969-12-31 23:59:59.999999", "amount": "9999999999.99", "tags": [],
  "owner": {"id": null, "name": "z"}, "nested": []},
 {"id": 4, "i": 4, "s16": 4, "s8": 4, "f": 4, "dbl": 4, "flag": true, "name": "dan", "bin": "Ag==",
  "d": "2026-03-31", "ts": "2026-03-31 23:59:59", "amount": "0.01", "tags": ["x"],
  "owner": {"id": 4, "name": null}, "nested": [{"k": "z", "v": []}]},
 {"id": 5, "i": 5, "s16": 5, "s8": 5, "f": 5, "dbl": 5, "flag": false, "name": "eve", "bin": "Aw==",
  "d": "2000-02-29", "ts": "2000-02-29 12:00:00", "amount": "5", "tags": ["y", "z"],
  "owner": {"id": 5, "name": "e"}, "nested": [{"k": "q", "v": [null]}]}
]`

func TestScanProjection(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)

	// Decimals stored as fixed-length bytes (the default) and as integers,
	// which the reader takes raw and widens itself.
	for _, variant := range []struct {
		name  string
		props []parquet.WriterProperty
	}{
		{"default", nil},
		{"integer decimals", []parquet.WriterProperty{parquet.WithStoreDecimalAsInteger(true)}},
		{"integer decimals, no dictionary", []parquet.WriterProperty{parquet.WithStoreDecimalAsInteger(true), parquet.WithDictionaryDefault(false)}},
	} {
		t.Run(variant.name, func(t *testing.T) { testScanProjection(t, mem, variant.props) })
	}
}

func testScanProjection(t *testing.T, mem memory.Allocator, props []parquet.WriterProperty) {
	fx := makeFeatureGroup(t, allTypes...)
	want, _, err := array.RecordFromJSON(mem, fx.fg.Schema(), strings.NewReader(allTypesRows))
	require.NoError(t, err)
	defer want.Release()
	writeRecord(t, fx.path("part-0.parquet"), want, parquetOptions{rowGroup: 2, props: props})

	tests := []struct {
		name    string
		columns []string
	}{
		{"all", featureNames(fx.fg)},
		{"nested first", []string{"owner", "id", "nested"}},
		{"one", []string{"ts"}},
		{"repeated and mixed case", []string{"NAME", "id", "name"}},
		{"reversed", reversed(featureNames(fx.fg))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := fx.plan(t, connector.ScanRequest{Columns: tt.columns})
			require.Equal(t, len(tt.columns), s.Schema().NumFields())
			for i, c := range tt.columns {
				f, _ := fx.fg.Feature(strings.ToLower(c))
				assert.Equal(t, arrow.Field{Name: f.Name, Type: f.DataType, Nullable: true}, s.Schema().Field(i))
			}
			got := readTable(t, s, mem)
			defer got.Release()
			require.EqualValues(t, want.NumRows(), got.NumRows())
			for i, c := range tt.columns {
				j := want.Schema().FieldIndices(strings.ToLower(c))[0]
				assert.True(t, array.Equal(want.Column(j), got.Column(i)), "column %s: got %s, want %s", c, got.Column(i), want.Column(j))
			}
		})
	}
}

func featureNames(fg *connector.FeatureGroup) []string {
	var names []string
	for _, f := range fg.Features {
		names = append(names, f.Name)
	}
	return names
}

func reversed(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[len(s)-1-i] = v
	}
	return out
}

func TestScanTypeAdaptation(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)

	fx := makeFeatureGroup(t, "ns timestamp", "ms timestamp", "sec timestamp", "name string", "bin binary",
		"cat string", "tags array<string>", "a6 decimal(6,2)", "a12 decimal(12,2)", "a20 decimal(20,4)",
		"st struct<a:int,b:string>", "id bigint")
	fileSchema := arrow.NewSchema([]arrow.Field{
		{Name: "ignored", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "ID", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "ns", Type: &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}, Nullable: true},
		{Name: "ms", Type: &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "Europe/Stockholm"}, Nullable: true},
		{Name: "sec", Type: &arrow.TimestampType{Unit: arrow.Second}, Nullable: true},
		{Name: "name", Type: arrow.BinaryTypes.LargeString, Nullable: true},
		{Name: "bin", Type: arrow.BinaryTypes.LargeBinary, Nullable: true},
		{Name: "cat", Type: &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int16, ValueType: arrow.BinaryTypes.String}, Nullable: true},
		{Name: "tags", Type: arrow.ListOfField(arrow.Field{Name: "element", Type: arrow.BinaryTypes.LargeString, Nullable: true}), Nullable: true},
		{Name: "a6", Type: &arrow.Decimal128Type{Precision: 6, Scale: 2}, Nullable: true},
		{Name: "a12", Type: &arrow.Decimal128Type{Precision: 12, Scale: 2}, Nullable: true},
		{Name: "a20", Type: &arrow.Decimal128Type{Precision: 20, Scale: 4}, Nullable: true},
		{Name: "st", Type: arrow.StructOf(
			arrow.Field{Name: "B", Type: arrow.BinaryTypes.LargeString, Nullable: true},
			arrow.Field{Name: "extra", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
			arrow.Field{Name: "a", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		), Nullable: true},
	}, nil)
	rows := `[
	 {"ignored": 1, "ID": 1, "ns": -1, "ms": -1, "sec": -1, "name": "a", "bin": "AA==", "cat": "x", "tags": ["p", null],
	  "a6": "-1234.56", "a12": "1234567890.12", "a20": "-1234567890123456.7891", "st": {"B": "b", "extra": 1, "a": 1}},
	 {"ignored": 2, "ID": 2, "ns": 1999, "ms": 1700000000123, "sec": 1700000000, "name": null, "bin": null, "cat": null, "tags": null,
	  "a6": null, "a12": null, "a20": null, "st": null},
	 {"ignored": 3, "ID": 3, "ns": -1001, "ms": 0, "sec": 0, "name": "", "bin": "", "cat": "y", "tags": [],
	  "a6": "0.01", "a12": "-0.01", "a20": "0", "st": {"B": null, "extra": null, "a": null}},
	 {"ignored": 4, "ID": 4, "ns": 1000, "ms": 5, "sec": 5, "name": "dd", "bin": "AQI=", "cat": "x", "tags": ["q"],
	  "a6": "9999.99", "a12": "-9999999999.99", "a20": "9999999999999999.9999", "st": {"B": "c", "extra": 2, "a": -4}}
	]`
	// One row group per file: pqarrow v15 cannot write dictionary arrays
	// over several row groups. Small batches split them instead.
	opts := []parquetOptions{
		{props: []parquet.WriterProperty{parquet.WithStoreDecimalAsInteger(true)}},
		{},
		{props: []parquet.WriterProperty{parquet.WithDictionaryDefault(false)}},
	}
	fx.w.BatchSize = 3
	for i, o := range opts {
		writeParquet(t, fx.path(fmt.Sprintf("part-%d.parquet", i)), fileSchema, rows, o)
	}
	wantRows := `[
	 {"id": 1, "ns": -1, "ms": -1000, "sec": -1000000, "name": "a", "bin": "AA==", "cat": "x", "tags": ["p", null],
	  "a6": "-1234.56", "a12": "1234567890.12", "a20": "-1234567890123456.7891", "st": {"a": 1, "b": "b"}},
	 {"id": 2, "ns": 1, "ms": 1700000000123000, "sec": 1700000000000000, "name": null, "bin": null, "cat": null, "tags": null,
	  "a6": null, "a12": null, "a20": null, "st": null},
	 {"id": 3, "ns": -2, "ms": 0, "sec": 0, "name": "", "bin": "", "cat": "y", "tags": [],
	  "a6": "0.01", "a12": "-0.01", "a20": "0", "st": {"a": null, "b": null}},
	 {"id": 4, "ns": 1, "ms": 5000, "sec": 5000000, "name": "dd", "bin": "AQI=", "cat": "x", "tags": ["q"],
	  "a6": "9999.99", "a12": "-9999999999.99", "a20": "9999999999999999.9999", "st": {"a": -4, "b": "c"}}
	]`
	want, _, err := array.RecordFromJSON(mem, fx.fg.Schema(), strings.NewReader(wantRows))
	require.NoError(t, err)
	defer want.Release()

	s := fx.plan(t, connector.ScanRequest{Columns: featureNames(fx.fg)})
	assert.Contains(t, s.Explain(), "files: 3")
	parts := readAll(t, context.Background(), s, mem)
	defer func() {
		for _, p := range parts {
			p.Release()
		}
	}()
	var n int64
	for _, p := range parts {
		n += p.NumRows()
	}
	require.EqualValues(t, 3*want.NumRows(), n)
	// Every file holds the same rows; check each file's partitions.
	off := int64(0)
	for _, p := range parts {
		for r := int64(0); r < p.NumRows(); r++ {
			row := (off + r) % want.NumRows()
			for c := range p.Columns() {
				got := p.Column(c).GetOneForMarshal(int(r))
				exp := want.Column(c).GetOneForMarshal(int(row))
				assert.Equal(t, exp, got, "row %d column %s", off+r, p.ColumnName(c))
			}
		}
		off += p.NumRows()
	}
}

func TestScanInt96Timestamps(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)

	fx := makeFeatureGroup(t, "ts timestamp")
	sc := arrow.NewSchema([]arrow.Field{{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Nanosecond}, Nullable: true}}, nil)
	writeParquet(t, fx.path("a.parquet"), sc, `[{"ts": -1}, {"ts": 1500}, {"ts": null}, {"ts": 1700000000000000000}]`,
		parquetOptions{rowGroup: 2, arrow: []pqarrow.WriterOption{pqarrow.WithDeprecatedInt96Timestamps(true)}})

	lit := tsScalar(t, "1970-01-01 00:00:00")
	s := fx.plan(t, connector.ScanRequest{Columns: []string{"ts"}, Filter: []connector.Predicate{
		connector.Compare{Column: "ts", Op: connector.Lt, Value: lit},
	}})
	kept, total := keptRowGroups(t, s)
	assert.Equal(t, [2]int{2, 2}, [2]int{kept, total}, "INT96 statistics have no defined order and must not prune")
	got := readTable(t, s, mem)
	defer got.Release()
	assert.Equal(t, `[-1,1,null,1700000000000000]`, timestampTicks(got.Column(0)))
}

func timestampTicks(a arrow.Array) string {
	ts := a.(*array.Timestamp)
	parts := make([]string, ts.Len())
	for i := range parts {
		if ts.IsNull(i) {
			parts[i] = "null"
		} else {
			parts[i] = fmt.Sprint(int64(ts.Value(i)))
		}
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func TestScanSchemaMismatch(t *testing.T) {
	tests := []struct {
		name   string
		fields []arrow.Field
		want   []string
	}{
		{"missing column", []arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64}},
			[]string{`no column for feature "amount" (decimal(12,2))`, "the file's columns are id"}},
		{"wrong type", []arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int32}, {Name: "amount", Type: &arrow.Decimal128Type{Precision: 12, Scale: 2}}},
			[]string{`feature "id" is bigint (Arrow int64)`, "column has Arrow type int32"}},
		{"decimal scale", []arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64}, {Name: "amount", Type: &arrow.Decimal128Type{Precision: 12, Scale: 3}}},
			[]string{`feature "amount" is decimal(12,2)`, "decimal(12, 3)"}},
		{"double for decimal", []arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64}, {Name: "amount", Type: arrow.PrimitiveTypes.Float64}},
			[]string{`feature "amount" is decimal(12,2)`, "column has Arrow type float64"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := makeFeatureGroup(t, "id bigint", "amount decimal(12,2)")
			path := fx.path("bad.parquet")
			writeParquet(t, path, arrow.NewSchema(tt.fields, nil), `[]`, parquetOptions{})
			_, err := fx.w.PlanScan(context.Background(), fx.fg, connector.ScanRequest{Columns: []string{"id"}})
			require.Error(t, err)
			assert.Contains(t, err.Error(), path)
			for _, s := range tt.want {
				assert.Contains(t, err.Error(), s)
			}
		})
	}

	nested := []struct {
		feature string
		field   arrow.Field
	}{
		{"ts timestamp", arrow.Field{Name: "ts", Type: arrow.PrimitiveTypes.Int64}},
		{"tags array<string>", arrow.Field{Name: "tags", Type: arrow.ListOf(arrow.PrimitiveTypes.Int32)}},
		{"tags array<string>", arrow.Field{Name: "tags", Type: arrow.BinaryTypes.String}},
		{"st struct<a:int,b:string>", arrow.Field{Name: "st", Type: arrow.StructOf(arrow.Field{Name: "a", Type: arrow.PrimitiveTypes.Int32})}},
		{"st struct<a:int>", arrow.Field{Name: "st", Type: arrow.StructOf(arrow.Field{Name: "a", Type: arrow.PrimitiveTypes.Int64})}},
		{"bin binary", arrow.Field{Name: "bin", Type: arrow.BinaryTypes.String}},
	}
	for _, tt := range nested {
		t.Run(tt.feature+" from "+tt.field.Type.String(), func(t *testing.T) {
			fx := makeFeatureGroup(t, tt.feature)
			writeParquet(t, fx.path("x.parquet"), arrow.NewSchema([]arrow.Field{tt.field}, nil), `[]`, parquetOptions{})
			_, err := fx.w.PlanScan(context.Background(), fx.fg, connector.ScanRequest{})
			require.Error(t, err)
			assert.Contains(t, err.Error(), fx.path("x.parquet"))
			assert.Contains(t, err.Error(), "column has Arrow type "+strings.SplitN(tt.field.Type.String(), "<", 2)[0])
		})
	}
}

func TestScanCorruptFile(t *testing.T) {
	fx := makeFeatureGroup(t, "id bigint")
	sc := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64}}, nil)
	writeParquet(t, fx.path("good.parquet"), sc, `[{"id": 1}, {"id": 2}]`, parquetOptions{})
	good, err := os.ReadFile(fx.path("good.parquet"))
	require.NoError(t, err)

	tests := []struct {
		name    string
		content []byte
	}{
		{"empty", nil},
		{"garbage", []byte("this is not a parquet file at all, not even close")},
		{"truncated", good[:len(good)/2]},
		{"bad footer", append(append([]byte{}, good[:len(good)-12]...), []byte("\xff\xff\xff\xff\x01\x02\x03\x04PAR1")...)},
		{"bad footer length", append(append([]byte{}, good[:len(good)-8]...), []byte("\xff\xff\x00\x00PAR1")...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := fx.path("zz-" + strings.ReplaceAll(tt.name, " ", "-") + ".parquet")
			require.NoError(t, os.WriteFile(path, tt.content, 0o644))
			defer os.Remove(path)
			_, err := fx.w.PlanScan(context.Background(), fx.fg, connector.ScanRequest{Columns: []string{"id"}})
			require.Error(t, err)
			assert.Contains(t, err.Error(), path)
			assert.Contains(t, err.Error(), "not a readable Parquet file")
		})
	}

	// A data page damaged after planning fails the read, naming the file.
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	s := fx.plan(t, connector.ScanRequest{Columns: []string{"id"}})
	damaged := append([]byte{}, good...)
	footer := int(binary.LittleEndian.Uint32(good[len(good)-8:]))
	for i := 4; i < len(good)-8-footer; i++ {
		damaged[i] = 0xff
	}
	require.NoError(t, os.WriteFile(fx.path("good.parquet"), damaged, 0o644))
	rr, err := s.Partitions()[0].Open(context.Background(), mem)
	if err == nil {
		for rr.Next() {
		}
		err = rr.Err()
		rr.Release()
	}
	require.Error(t, err)
	assert.Contains(t, err.Error(), fx.path("good.parquet"))
}

func TestScanErrors(t *testing.T) {
	fx := makeFeatureGroup(t, "id bigint", "name string")
	_, err := fx.w.PlanScan(context.Background(), fx.fg, connector.ScanRequest{Columns: []string{"id", "nme"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `p::t_1 has no feature "nme"; its features are id, name`)

	other := *fx.fg
	other.Version = 2
	_, err = fx.w.PlanScan(context.Background(), &other, connector.ScanRequest{})
	require.ErrorIs(t, err, connector.ErrNotFound)
	assert.Contains(t, err.Error(), "p::t_2")

	other = *fx.fg
	other.Project = "q"
	_, err = fx.w.PlanScan(context.Background(), &other, connector.ScanRequest{})
	require.ErrorIs(t, err, connector.ErrNotFound)

	_, err = fx.w.PlanScan(context.Background(), nil, connector.ScanRequest{})
	require.Error(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = fx.w.PlanScan(ctx, fx.fg, connector.ScanRequest{})
	require.ErrorIs(t, err, context.Canceled)
}

func TestScanNoFiles(t *testing.T) {
	fx := makeFeatureGroup(t, "id bigint")
	writeFile(t, fx.path("_SUCCESS"), "")
	writeFile(t, fx.path(".part-0.parquet.crc"), "")
	writeFile(t, fx.path("notes.txt"), "")
	require.NoError(t, os.MkdirAll(fx.path("dir.parquet"), 0o755))
	s := fx.plan(t, connector.ScanRequest{Columns: []string{"id"}})
	assert.Empty(t, s.Partitions())
	assert.Equal(t, []string{"files: 0", "row groups: 0 of 0 kept (0 pruned by statistics)", "partitions: 0"}, s.Explain())
}

// writeIDs writes files of sequential ids: files[i] rows in file i, in row
// groups of rowGroup rows.
func writeIDs(t *testing.T, fx fgFixture, rowGroup int64, files ...int) {
	t.Helper()
	sc := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true}}, nil)
	next := 0
	for i, n := range files {
		b := array.NewInt64Builder(memory.DefaultAllocator)
		for j := 0; j < n; j++ {
			b.Append(int64(next))
			next++
		}
		col := b.NewArray()
		rec := array.NewRecord(sc, []arrow.Array{col}, int64(n))
		writeRecord(t, fx.path(fmt.Sprintf("part-%05d.parquet", i)), rec, parquetOptions{rowGroup: rowGroup})
		rec.Release()
		col.Release()
		b.Release()
	}
}

func TestScanPartitions(t *testing.T) {
	tests := []struct {
		name     string
		rowGroup int64
		files    []int
		parts    [][]int // row groups of each partition
	}{
		{"one row group", 10, []int{5}, [][]int{{0}}},
		{"two row groups", 3, []int{5}, [][]int{{0}, {1}}},
		{"three row groups", 2, []int{5}, [][]int{{0, 1}, {2}}},
		{"nine row groups", 1, []int{9}, [][]int{{0, 1, 2, 3}, {4, 5, 6, 7}, {8}}},
		{"three files", 3, []int{10, 10, 10}, [][]int{{0, 1, 2, 3}, {0, 1, 2, 3}, {0, 1, 2, 3}}},
		{"empty file among others", 2, []int{3, 0, 1}, [][]int{{0, 1}, {0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			fx := makeFeatureGroup(t, "id bigint")
			writeIDs(t, fx, tt.rowGroup, tt.files...)
			s := fx.plan(t, connector.ScanRequest{Columns: []string{"id"}})
			var got [][]int
			for _, p := range s.Partitions() {
				got = append(got, p.(*partition).rowGroups)
			}
			assert.Equal(t, tt.parts, got)
			assert.Contains(t, s.Explain(), fmt.Sprintf("files: %d", len(tt.files)))

			// Read the partitions concurrently: every id exactly once.
			total := 0
			for _, n := range tt.files {
				total += n
			}
			seen := make([]int, total)
			var mu sync.Mutex
			var wg sync.WaitGroup
			for _, p := range s.Partitions() {
				wg.Add(1)
				go func() {
					defer wg.Done()
					rr, err := p.Open(context.Background(), mem)
					if !assert.NoError(t, err) {
						return
					}
					defer rr.Release()
					for rr.Next() {
						ids := rr.Record().Column(0).(*array.Int64)
						mu.Lock()
						for i := 0; i < ids.Len(); i++ {
							seen[ids.Value(i)]++
						}
						mu.Unlock()
					}
					assert.NoError(t, rr.Err())
				}()
			}
			wg.Wait()
			for id, n := range seen {
				assert.Equal(t, 1, n, "id %d", id)
			}
		})
	}
}

func TestScanBatches(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	fx := makeFeatureGroup(t, "id bigint")
	writeIDs(t, fx, 10, 25)
	fx.w.BatchSize = 4

	var sizes []int64
	s := fx.plan(t, connector.ScanRequest{Columns: []string{"id"}})
	for _, p := range s.Partitions() {
		rr, err := p.Open(context.Background(), mem)
		require.NoError(t, err)
		for rr.Next() {
			sizes = append(sizes, rr.Record().NumRows())
		}
		require.NoError(t, rr.Err())
		assert.False(t, rr.Next(), "Next after the end")
		rr.Release()
	}
	var sum int64
	for _, n := range sizes {
		assert.LessOrEqual(t, n, int64(4))
		sum += n
	}
	assert.EqualValues(t, 25, sum)
}

func TestScanNoColumns(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	fx := makeFeatureGroup(t, "id bigint")
	writeIDs(t, fx, 4, 10, 7)
	fx.w.BatchSize = 3

	tests := []struct {
		name   string
		req    connector.ScanRequest
		rows   int64
		groups int
	}{
		{"all", connector.ScanRequest{}, 17, 5},
		{"pruned", connector.ScanRequest{Filter: []connector.Predicate{
			connector.Compare{Column: "id", Op: connector.Ge, Value: int64Scalar(12)}}}, 7, 2},
		{"limit", connector.ScanRequest{Limit: 2}, -1, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := fx.plan(t, tt.req)
			assert.Zero(t, s.Schema().NumFields())
			kept, _ := keptRowGroups(t, s)
			assert.Equal(t, tt.groups, kept)
			var rows int64
			for _, p := range s.Partitions() {
				rr, err := p.Open(context.Background(), mem)
				require.NoError(t, err)
				var prows int64
				for rr.Next() {
					rec := rr.Record()
					assert.Zero(t, rec.NumCols())
					assert.LessOrEqual(t, rec.NumRows(), int64(3))
					prows += rec.NumRows()
				}
				require.NoError(t, rr.Err())
				rr.Release()
				if tt.req.Limit > 0 {
					assert.LessOrEqual(t, prows, tt.req.Limit)
				}
				rows += prows
			}
			if tt.rows >= 0 {
				assert.Equal(t, tt.rows, rows)
			}
		})
	}
}

func TestScanLimit(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	fx := makeFeatureGroup(t, "id bigint")
	writeIDs(t, fx, 10, 100)
	fx.w.BatchSize = 4

	s := fx.plan(t, connector.ScanRequest{Columns: []string{"id"}, Limit: 6})
	require.NotEmpty(t, s.Partitions())
	for _, p := range s.Partitions() {
		rr, err := p.Open(context.Background(), mem)
		require.NoError(t, err)
		var ids []int64
		for rr.Next() {
			col := rr.Record().Column(0).(*array.Int64)
			ids = append(ids, col.Int64Values()...)
		}
		require.NoError(t, rr.Err())
		rr.Release()
		require.Len(t, ids, 6)
		for i := 1; i < len(ids); i++ {
			assert.Equal(t, ids[0]+int64(i), ids[i])
		}
	}
}

func TestScanCancel(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	fx := makeFeatureGroup(t, "id bigint")
	writeIDs(t, fx, 100, 100)
	fx.w.BatchSize = 10

	for _, columns := range [][]string{{"id"}, nil} {
		s := fx.plan(t, connector.ScanRequest{Columns: columns})
		require.Len(t, s.Partitions(), 1)
		ctx, cancel := context.WithCancel(context.Background())
		rr, err := s.Partitions()[0].Open(ctx, mem)
		require.NoError(t, err)
		require.True(t, rr.Next())
		require.True(t, rr.Next())
		cancel()
		assert.False(t, rr.Next())
		assert.ErrorIs(t, rr.Err(), context.Canceled)
		assert.False(t, rr.Next())
		assert.Nil(t, rr.Record())
		rr.Release()

		_, err = s.Partitions()[0].Open(ctx, mem)
		assert.ErrorIs(t, err, context.Canceled)
	}
}

func TestScanReleaseEarly(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	fx := makeFeatureGroup(t, allTypes...)
	rec, _, err := array.RecordFromJSON(mem, fx.fg.Schema(), strings.NewReader(allTypesRows))
	require.NoError(t, err)
	writeRecord(t, fx.path("a.parquet"), rec, parquetOptions{rowGroup: 5})
	rec.Release()
	fx.w.BatchSize = 2

	s := fx.plan(t, connector.ScanRequest{Columns: featureNames(fx.fg)})
	fds := openFiles(t)
	rr, err := s.Partitions()[0].Open(context.Background(), mem)
	require.NoError(t, err)
	require.True(t, rr.Next())
	kept := rr.Record()
	kept.Retain()
	rr.Retain()
	rr.Release()
	assert.NotNil(t, rr.Record(), "Release of an extra reference keeps the reader")
	rr.Release()
	assert.Equal(t, fds, openFiles(t), "the reader closes its file")
	assert.Positive(t, mem.CurrentAlloc(), "batches come from the given allocator")
	assert.EqualValues(t, 2, kept.NumRows())
	kept.Release()
}

// openFiles counts the process's open file descriptors, where the system
// tells.
func openFiles(t *testing.T) int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("cannot count open files:", err)
	}
	return len(entries)
}
