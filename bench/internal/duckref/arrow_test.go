//go:build duckdb && duckdb_arrow

package duckref

import (
	"context"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/bench/internal/answer"
	"github.com/hopsql/hopsql/planner/plantest"
)

// TestQueryArrow checks that an answer read through DuckDB's Arrow
// interface has the values and types database/sql gives the same query.
func TestQueryArrow(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, 1)
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.AttachStore(ctx, writeStore(t)))

	for _, q := range []struct {
		project, sql string
		types        []string
	}{
		{"p", "SELECT id, price, ts FROM items_1 ORDER BY id", []string{"BIGINT", "DECIMAL(12,2)", "TIMESTAMP"}},
		// DuckDB's Arrow gives a HUGEINT as DECIMAL(38,0); the answer
		// names it HUGEINT.
		{"p", "SELECT SUM(id) AS s, AVG(price) AS a, COUNT(*) AS n FROM items", []string{"HUGEINT", "DOUBLE", "BIGINT"}},
		{"q", "SELECT CAST(ts AS DATE) AS day, id > 1 AS big, 'x' || id AS s, NULL AS nothing FROM items_1 ORDER BY id", []string{"DATE", "BOOLEAN", "VARCHAR", "INTEGER"}}, // DuckDB types a NULL literal INTEGER
		{"q", "SELECT * FROM range(5000) r(i) ORDER BY i", []string{"BIGINT"}},
		{"p", "SELECT id FROM items_1 WHERE id > 100", []string{"BIGINT"}},
	} {
		a, elapsed, err := db.QueryArrow(ctx, q.project, q.sql)
		require.NoError(t, err, q.sql)
		assert.Positive(t, elapsed, q.sql)
		var types []string
		for _, c := range a.Columns {
			types = append(types, c.Type)
		}
		assert.Equal(t, q.types, types, q.sql)

		want, err := db.Query(ctx, q.project, q.sql)
		require.NoError(t, err, q.sql)
		assert.Equal(t, len(want.Rows), a.Rows(), q.sql)
		if q.sql == "SELECT * FROM range(5000) r(i) ORDER BY i" {
			assert.Greater(t, len(a.Records), 1, "DuckDB yields a batch per vector")
		}
		assert.Equal(t, want.Rows, textRows(t, a), q.sql)
		a.Release()
	}

	_, _, err = db.QueryArrow(ctx, "p", "SELECT nonsense FROM items_1")
	assert.Error(t, err)
	_, _, err = db.QueryArrow(ctx, "p", "SELECT [1, 2] AS l")
	assert.ErrorContains(t, err, "column l")
}

// textRows renders an answer's rows as plantest's canonical text.
func textRows(t *testing.T, a *answer.Answer) [][]plantest.Value {
	var rows [][]plantest.Value
	for _, rec := range a.Records {
		for i := 0; i < int(rec.NumRows()); i++ {
			var row []plantest.Value
			for _, col := range rec.Columns() {
				if col.DataType().ID() == arrow.NULL {
					row = append(row, plantest.NullValue)
					continue
				}
				v, err := plantest.ArrowValue(col, i)
				require.NoError(t, err)
				row = append(row, v)
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// TestQueryArrowCompares checks an Arrow answer of DuckDB against the same
// answer of another shape: the comparison sees through batches and order.
func TestQueryArrowCompares(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, 2)
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.AttachStore(ctx, writeStore(t)))
	want, _, err := db.QueryArrow(ctx, "p", "SELECT i, i * 0.5 AS half, 'n' || i AS s FROM range(10000) r(i)")
	require.NoError(t, err)
	defer want.Release()
	got, _, err := db.QueryArrow(ctx, "p", "SELECT i, CAST(i AS DOUBLE) / 2 AS half, 'n' || i AS s FROM range(10000) r(i) ORDER BY i DESC")
	require.NoError(t, err)
	defer got.Release()
	assert.NoError(t, answer.Compare(want, got, false))
	assert.Error(t, answer.Compare(want, got, true))
	other, _, err := db.QueryArrow(ctx, "p", "SELECT i, i * 0.5 AS half, 'n' || i AS s FROM range(10000) r(i) WHERE i <> 77")
	require.NoError(t, err)
	defer other.Release()
	err = answer.Compare(want, other, false)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "77 | 38.5 | n77")
}
