package catalog

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/arrow/scalar"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector"
)

func TestResolveInfoSchema(t *testing.T) {
	c := newCatalog(t, newFakeSource(), "fraud")
	for _, ref := range [][2]string{
		{"information_schema", "tables"},
		{"INFORMATION_SCHEMA", "TABLES"},
		{"", "information_schema::tables"},
		{"information_schema", "tables_1"},
	} {
		n, err := ParseName(ref[0], ref[1])
		require.NoError(t, err, ref)
		tbl, err := c.Resolve(context.Background(), n)
		require.NoError(t, err, ref)
		assert.Equal(t, InfoSchemaProject, tbl.FeatureGroup.Project, ref)
		assert.Equal(t, "tables", tbl.FeatureGroup.Name, ref)
		assert.Equal(t, 1, tbl.FeatureGroup.Version, ref)
		assert.False(t, tbl.Latest, ref)
		assert.True(t, tbl.Store.Shared, "the pseudo-store is read-only")
		assert.IsType(t, &InfoSchema{}, tbl.Source)
		assert.Equal(t, []string{"table_schema", "table_name"}, tbl.FeatureGroup.PrimaryKey)
	}

	for _, view := range []string{"schemata", "tables", "columns"} {
		tbl, err := c.Resolve(context.Background(), Name{Project: InfoSchemaProject, Table: view})
		require.NoError(t, err)
		assert.Equal(t, view, tbl.FeatureGroup.Name)
	}

	_, err := c.Resolve(context.Background(), Name{Project: InfoSchemaProject, Table: "table"})
	var nf *NotFoundError
	require.ErrorAs(t, err, &nf)
	assert.ErrorIs(t, err, ErrNotFound)
	assert.Equal(t, []string{"information_schema.tables"}, nf.Suggestions)
	assert.EqualError(t, err, `feature group "table" not found in project "information_schema": did you mean information_schema.tables?`)
}

func TestInfoSchemaIsNotAStore(t *testing.T) {
	c := newCatalog(t, newFakeSource(), "marketing")
	stores, err := c.Stores(context.Background())
	require.NoError(t, err)
	for _, s := range stores {
		assert.NotEqual(t, InfoSchemaProject, s.Project)
	}
	// But every session can list its views.
	fgs, err := c.FeatureGroups(context.Background(), "Information_Schema")
	require.NoError(t, err)
	var names []string
	for _, fg := range fgs {
		names = append(names, fg.Name)
	}
	assert.Equal(t, []string{"columns", "schemata", "tables"}, names)

	_, err = NewInfoSchema(c).FeatureGroups(context.Background(), "fraud")
	assert.ErrorIs(t, err, ErrNotFound)
}

// scanView plans and reads a view of c with req and returns its rows as
// text, under a checked allocator.
func scanView(t *testing.T, c *Catalog, view string, req connector.ScanRequest) (*arrow.Schema, [][]string) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx := context.Background()
	tbl, err := c.Resolve(ctx, Name{Project: InfoSchemaProject, Table: view})
	require.NoError(t, err)
	scan, err := tbl.Source.PlanScan(ctx, tbl.FeatureGroup, req)
	require.NoError(t, err)
	parts := scan.Partitions()
	require.Len(t, parts, 1)
	rr, err := parts[0].Open(ctx, mem)
	require.NoError(t, err)
	defer rr.Release()
	require.True(t, scan.Schema().Equal(rr.Schema()))
	var rows [][]string
	for rr.Next() {
		rec := rr.Record()
		for i := 0; i < int(rec.NumRows()); i++ {
			row := make([]string, rec.NumCols())
			for j, col := range rec.Columns() {
				row[j] = col.ValueStr(i)
			}
			rows = append(rows, row)
		}
	}
	require.NoError(t, rr.Err())
	return scan.Schema(), rows
}

// oracleRows lists what a view should hold for c, from Stores and
// FeatureGroups, with the view's columns in their declared order.
func oracleRows(t *testing.T, c *Catalog, view string) [][]string {
	t.Helper()
	ctx := context.Background()
	stores, err := c.Stores(ctx)
	require.NoError(t, err)
	var rows [][]string
	for _, s := range stores {
		if view == "schemata" {
			rows = append(rows, []string{"hopsql", s.Project + "_featurestore", s.Project, fmt.Sprint(s.Shared)})
			continue
		}
		fgs, err := c.FeatureGroups(ctx, s.Project)
		require.NoError(t, err)
		for _, fg := range fgs {
			table := fmt.Sprintf("%s_%d", fg.Name, fg.Version)
			if view == "tables" {
				rows = append(rows, []string{"hopsql", s.Project + "_featurestore", table, "BASE TABLE", fg.Description, fg.Name, fmt.Sprint(fg.Version)})
				continue
			}
			for i, f := range fg.Features {
				rows = append(rows, []string{"hopsql", s.Project + "_featurestore", table, f.Name, fmt.Sprint(i + 1),
					strings.ToUpper(f.Type), "YES", f.Description, fmt.Sprint(f.Primary), fmt.Sprint(f.Name == fg.EventTime)})
			}
		}
	}
	return rows
}

func allColumns(t *testing.T, c *Catalog, view string) []string {
	t.Helper()
	tbl, err := c.Resolve(context.Background(), Name{Project: InfoSchemaProject, Table: view})
	require.NoError(t, err)
	var cols []string
	for _, f := range tbl.FeatureGroup.Features {
		cols = append(cols, f.Name)
	}
	return cols
}

func TestInfoSchemaViews(t *testing.T) {
	for _, session := range []string{"fraud", "bank", "marketing"} {
		c := newCatalog(t, newFakeSource(), session)
		for _, view := range []string{"schemata", "tables", "columns"} {
			t.Run(session+"/"+view, func(t *testing.T) {
				want := oracleRows(t, c, view)
				require.NotEmpty(t, want)
				_, got := scanView(t, c, view, connector.ScanRequest{Columns: allColumns(t, c, view)})
				assert.Equal(t, want, got)
			})
		}
	}
}

func TestInfoSchemaListsOnlyReadableStores(t *testing.T) {
	c := newCatalog(t, newFakeSource(), "fraud")
	_, got := scanView(t, c, "schemata", connector.ScanRequest{Columns: []string{"schema_name", "shared"}})
	assert.Equal(t, [][]string{
		{"fraud_featurestore", "false"},
		{"bank_featurestore", "true"},
		{"zeta_featurestore", "true"},
	}, got)
	_, got = scanView(t, c, "tables", connector.ScanRequest{Columns: []string{"table_schema"}})
	for _, r := range got {
		assert.NotEqual(t, "marketing_featurestore", r[0])
	}
}

func TestInfoSchemaColumnOrderAndTypes(t *testing.T) {
	c := newCatalog(t, newFakeSource(), "fraud")
	schema, got := scanView(t, c, "tables", connector.ScanRequest{Columns: []string{"version", "table_name", "table_schema"}})
	assert.Equal(t, arrow.NewSchema([]arrow.Field{
		{Name: "version", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "table_name", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "table_schema", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil), schema)
	require.NotEmpty(t, got)
	assert.Equal(t, []string{"1", "customer_spend_1", "fraud_featurestore"}, got[0])

	schema, got = scanView(t, c, "columns", connector.ScanRequest{Columns: []string{"is_event_time", "ordinal_position", "is_primary_key", "column_name"}})
	assert.Equal(t, arrow.FixedWidthTypes.Boolean, schema.Field(0).Type)
	assert.Equal(t, arrow.PrimitiveTypes.Int64, schema.Field(1).Type)
	assert.Equal(t, []string{"false", "1", "true", "id"}, got[0])
	assert.Equal(t, []string{"true", "2", "false", "ts"}, got[1])
}

func TestInfoSchemaRowCountOnly(t *testing.T) {
	c := newCatalog(t, newFakeSource(), "fraud")
	schema, got := scanView(t, c, "columns", connector.ScanRequest{})
	assert.Equal(t, 0, schema.NumFields())
	assert.Len(t, got, len(oracleRows(t, c, "columns")))
}

func strScalar(s string) scalar.Scalar { return scalar.NewStringScalar(s) }

func TestInfoSchemaPrunesStores(t *testing.T) {
	bank := connector.Compare{Column: "table_schema", Op: connector.Eq, Value: strScalar("bank_featurestore")}
	for _, tc := range []struct {
		name   string
		filter []connector.Predicate
		want   []string // stores listed, in order
	}{
		{"none", nil, []string{"fraud", "bank", "zeta"}},
		{"eq", []connector.Predicate{bank}, []string{"bank"}},
		{"in", []connector.Predicate{connector.In{Column: "table_schema", Values: []scalar.Scalar{strScalar("zeta_featurestore"), strScalar("fraud_featurestore")}}}, []string{"fraud", "zeta"}},
		{"and intersects", []connector.Predicate{connector.And{bank, connector.In{Column: "table_schema", Values: []scalar.Scalar{strScalar("bank_featurestore"), strScalar("zeta_featurestore")}}}}, []string{"bank"}},
		{"contradiction", []connector.Predicate{bank, connector.Compare{Column: "table_schema", Op: connector.Eq, Value: strScalar("zeta_featurestore")}}, nil},
		{"unreadable store", []connector.Predicate{connector.Compare{Column: "table_schema", Op: connector.Eq, Value: strScalar("marketing_featurestore")}}, nil},
		{"other column", []connector.Predicate{connector.Compare{Column: "table_name", Op: connector.Eq, Value: strScalar("bank_featurestore")}}, []string{"fraud", "bank", "zeta"}},
		{"not eq", []connector.Predicate{connector.Compare{Column: "table_schema", Op: connector.Ne, Value: strScalar("bank_featurestore")}}, []string{"fraud", "bank", "zeta"}},
		{"not in", []connector.Predicate{connector.In{Column: "table_schema", Not: true, Values: []scalar.Scalar{strScalar("bank_featurestore")}}}, []string{"fraud", "bank", "zeta"}},
		{"or", []connector.Predicate{connector.Or{bank, bank}}, []string{"fraud", "bank", "zeta"}},
		{"not a string", []connector.Predicate{connector.Compare{Column: "table_schema", Op: connector.Eq, Value: scalar.NewInt64Scalar(1)}}, []string{"fraud", "bank", "zeta"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := newFakeSource()
			c := newCatalog(t, src, "fraud")
			_, rows := scanView(t, c, "tables", connector.ScanRequest{Columns: []string{"table_schema"}, Filter: tc.filter})
			var listed []string
			for _, p := range []string{"fraud", "bank", "zeta"} {
				_, n := src.calls(p)
				if n > 0 {
					listed = append(listed, p)
				}
			}
			var seen []string
			for _, r := range rows {
				p := strings.TrimSuffix(r[0], "_featurestore")
				if len(seen) == 0 || seen[len(seen)-1] != p {
					seen = append(seen, p)
				}
			}
			assert.ElementsMatch(t, tc.want, listed, "stores listed")
			assert.Equal(t, tc.want, seen, "stores in the rows")
		})
	}
}

func TestInfoSchemaSchemataPrune(t *testing.T) {
	c := newCatalog(t, newFakeSource(), "fraud")
	_, got := scanView(t, c, "schemata", connector.ScanRequest{
		Columns: []string{"schema_owner"},
		Filter:  []connector.Predicate{connector.Compare{Column: "schema_name", Op: connector.Eq, Value: strScalar("zeta_featurestore")}},
	})
	assert.Equal(t, [][]string{{"zeta"}}, got)
}

func TestInfoSchemaListsWhenOpened(t *testing.T) {
	src := newFakeSource()
	c := newCatalog(t, src, "fraud")
	ctx := context.Background()
	tbl, err := c.Resolve(ctx, Name{Project: InfoSchemaProject, Table: "columns"})
	require.NoError(t, err)
	storesBefore, _ := src.calls("")
	scan, err := tbl.Source.PlanScan(ctx, tbl.FeatureGroup, connector.ScanRequest{Columns: []string{"table_name"}})
	require.NoError(t, err)
	assert.NotEmpty(t, scan.Explain())
	stores, groups := src.calls("fraud")
	assert.Equal(t, storesBefore, stores, "planning lists no store")
	assert.Zero(t, groups, "planning lists no feature group")

	// A feature group added after planning is seen by the run.
	src.mu.Lock()
	src.projects["fraud"].groups = append(src.projects["fraud"].groups, fgs("fraud", "late_1")...)
	src.mu.Unlock()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rr, err := scan.Partitions()[0].Open(ctx, mem)
	require.NoError(t, err)
	defer rr.Release()
	require.True(t, rr.Next())
	var found bool
	names := rr.Record().Column(0).(*array.String)
	for i := range names.Len() {
		found = found || names.Value(i) == "late_1"
	}
	assert.True(t, found, "late_1 is listed")
	_, groups = src.calls("fraud")
	assert.Equal(t, 1, groups)
}

func TestInfoSchemaScanErrors(t *testing.T) {
	ctx := context.Background()
	src := newFakeSource()
	c := newCatalog(t, src, "fraud")
	is := NewInfoSchema(c)
	tbl, err := c.Resolve(ctx, Name{Project: InfoSchemaProject, Table: "tables"})
	require.NoError(t, err)

	_, err = is.PlanScan(ctx, tbl.FeatureGroup, connector.ScanRequest{Columns: []string{"table_name", "nope"}})
	assert.EqualError(t, err, `information_schema.tables has no column "nope"`)

	_, err = is.PlanScan(ctx, src.projects["fraud"].groups[0], connector.ScanRequest{})
	assert.ErrorIs(t, err, ErrNotFound)

	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	scan, err := is.PlanScan(ctx, tbl.FeatureGroup, connector.ScanRequest{Columns: []string{"table_name"}})
	require.NoError(t, err)

	// A failing store fails the scan.
	boom := fmt.Errorf("connection refused")
	src.setGroupsErr("bank", boom)
	_, err = scan.Partitions()[0].Open(ctx, mem)
	assert.ErrorIs(t, err, boom)
	src.setGroupsErr("bank", nil)

	// A cancelled context stops it before and after opening.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = scan.Partitions()[0].Open(cctx, mem)
	assert.ErrorIs(t, err, context.Canceled)

	cctx, cancel = context.WithCancel(ctx)
	rr, err := scan.Partitions()[0].Open(cctx, mem)
	require.NoError(t, err)
	defer rr.Release()
	cancel()
	assert.False(t, rr.Next())
	assert.ErrorIs(t, rr.Err(), context.Canceled)
}

func TestColumnType(t *testing.T) {
	for _, tc := range []struct {
		f    connector.Feature
		want string
	}{
		{connector.Feature{Type: "bigint"}, "BIGINT"},
		{connector.Feature{Type: "decimal(12,2)"}, "DECIMAL(12,2)"},
		{connector.Feature{Type: "array<struct<a:int,b_c:string>>"}, "ARRAY<STRUCT<a:INT,b_c:STRING>>"},
		{connector.Feature{Type: "struct<Sub : array<bigint>, x:struct<y:date>>"}, "STRUCT<Sub : ARRAY<BIGINT>, x:STRUCT<y:DATE>>"},
		{connector.Feature{DataType: arrow.PrimitiveTypes.Int32}, "INT"},
		{connector.Feature{DataType: &arrow.Decimal128Type{Precision: 5, Scale: 1}}, "DECIMAL(5,1)"},
		{connector.Feature{}, ""},
	} {
		assert.Equal(t, tc.want, ColumnType(tc.f), tc.f.Type)
	}
}

func TestParseProject(t *testing.T) {
	for _, tc := range []struct{ in, want, err string }{
		{"bank", "bank", ""},
		{"Bank", "bank", ""},
		{"bank_featurestore", "bank", ""},
		{"BANK_FeatureStore", "bank", ""},
		{"information_schema", "information_schema", ""},
		{"", "", "invalid project name: the name is empty"},
		{"_featurestore", "", `invalid project name "_featurestore": the feature store names no project`},
		{"ba-nk", "", `invalid project name "ba-nk": character '-' is not allowed`},
		{"bank::x", "", `character ':' is not allowed`},
	} {
		got, err := ParseProject(tc.in)
		if tc.err != "" {
			assert.ErrorContains(t, err, tc.err, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got)
	}
}
