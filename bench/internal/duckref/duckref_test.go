//go:build duckdb

package duckref

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector/local"
	"github.com/hopsql/hopsql/planner/plantest"
)

// writeStore writes project p (shared with q) with items_1 and items_2,
// and project q with nothing but an empty feature group.
func writeStore(t *testing.T) string {
	dir := t.TempDir()
	require.NoError(t, local.WriteProject(dir, local.ProjectFile{Name: "p", SharedWith: []string{"q"}}))
	require.NoError(t, local.WriteProject(dir, local.ProjectFile{Name: "q"}))
	for v := 1; v <= 2; v++ {
		w, err := local.CreateFeatureGroup(filepath.Join(dir, "p"), local.FeatureGroupFile{
			Name: "items", Version: v, PrimaryKey: []string{"id"},
			Features: []local.FeatureFile{{Name: "id", Type: "bigint"}, {Name: "price", Type: "decimal(12,2)"}, {Name: "ts", Type: "timestamp"}},
		})
		require.NoError(t, err)
		b := array.NewRecordBuilder(memory.DefaultAllocator, w.Schema())
		b.Field(0).(*array.Int64Builder).AppendValues([]int64{1, 2, 3}, nil)
		b.Field(1).(*array.Decimal128Builder).AppendValues([]decimal128.Num{decimal128.FromI64(1050), decimal128.FromI64(int64(v)), {}}, []bool{true, true, false})
		b.Field(2).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{1767225683915433, 0, 1}, nil)
		rec := b.NewRecord()
		require.NoError(t, w.Write(rec))
		rec.Release()
		b.Release()
		require.NoError(t, w.Close())
	}
	w, err := local.CreateFeatureGroup(filepath.Join(dir, "q"), local.FeatureGroupFile{
		Name: "empty", Version: 1, Features: []local.FeatureFile{{Name: "x", Type: "int"}},
	})
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return dir
}

func TestQuery(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, 1)
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.AttachStore(ctx, writeStore(t)))

	res, err := db.Query(ctx, "p", "SELECT id, price, ts FROM items_1 ORDER BY price, id")
	require.NoError(t, err)
	assert.Equal(t, []plantest.Column{{Name: "id", Type: "BIGINT"}, {Name: "price", Type: "DECIMAL(12,2)"}, {Name: "ts", Type: "TIMESTAMP"}}, res.Columns)
	assert.Equal(t, [][]plantest.Value{
		{plantest.Text("3"), plantest.NullValue, plantest.Text("1970-01-01 00:00:00.000001")}, // NULLs first ascending
		{plantest.Text("2"), plantest.Text("0.01"), plantest.Text("1970-01-01 00:00:00.000000")},
		{plantest.Text("1"), plantest.Text("10.50"), plantest.Text("2026-01-01 00:01:23.915433")},
	}, res.Rows)

	// The latest version, the _featurestore schema, and a shared store from
	// another project's session.
	for _, q := range []struct{ project, sql, want string }{
		{"p", "SELECT SUM(price) FROM items", "10.52"},
		{"p", `SELECT SUM(price) FROM "p_featurestore"."items_1"`, "10.51"},
		{"q", "SELECT SUM(price) FROM p.items_2", "10.52"},
		{"q", "SELECT SUM(price) FROM items_1", "10.51"},
		{"p", "SELECT MAX(price) FROM items_1 WHERE price < 10", "0.01"},
	} {
		res, err := db.Query(ctx, q.project, q.sql)
		require.NoError(t, err, q.sql)
		require.Len(t, res.Rows, 1, q.sql)
		assert.Equal(t, q.want, res.Rows[0][0].Text, q.sql)
	}
	res, err = db.Query(ctx, "p", "SELECT price FROM items_1 ORDER BY price DESC")
	require.NoError(t, err)
	assert.True(t, res.Rows[2][0].Null, "NULLs last descending")

	// A feature group without Parquet files has no view.
	_, err = db.Query(ctx, "q", "SELECT * FROM empty_1")
	assert.Error(t, err)
}
