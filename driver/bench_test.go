package driver

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/require"
)

const benchQuery = "SELECT tx_id, customer_id, amount, currency, ts, is_fraud FROM transactions_1"

// BenchmarkScan reads 100,000 rows of six columns through rows.Scan.
func BenchmarkScan(b *testing.B) {
	db, _ := openDB(b)
	var rowsRead int64
	b.ReportAllocs()
	for b.Loop() {
		rows, err := db.Query(benchQuery)
		require.NoError(b, err)
		var (
			id, customer int64
			amount, cur  string
			ts           time.Time
			fraud        bool
		)
		for rows.Next() {
			if err := rows.Scan(&id, &customer, &amount, &cur, &ts, &fraud); err != nil {
				b.Fatal(err)
			}
			rowsRead++
		}
		require.NoError(b, rows.Err())
		rows.Close()
	}
	b.ReportMetric(float64(rowsRead)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkQueryArrow reads the same rows as Arrow batches.
func BenchmarkQueryArrow(b *testing.B) {
	db, _ := openDB(b)
	ctx := context.Background()
	c, err := db.Conn(ctx)
	require.NoError(b, err)
	defer c.Close()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(b, 0)
	var rowsRead int64
	b.ReportAllocs()
	for b.Loop() {
		rr, err := ArrowOptions{Mem: mem}.QueryArrow(ctx, c, benchQuery)
		require.NoError(b, err)
		for rr.Next() {
			rowsRead += rr.Record().NumRows()
		}
		require.NoError(b, rr.Err())
		rr.Release()
	}
	b.ReportMetric(float64(rowsRead)/b.Elapsed().Seconds(), "rows/s")
}

// pointQuery is a small lookup, where planning is a large part of the cost.
const pointQuery = "SELECT name, segment FROM bank::customers_1 WHERE customer_id = ?"

// BenchmarkPointQuery runs the same lookup unprepared and prepared, to show
// what reading the statement once saves.
func BenchmarkPointQuery(b *testing.B) {
	db, _ := openDB(b)
	run := func(b *testing.B, query func(id int) (*sql.Rows, error)) {
		for i := 0; b.Loop(); i++ {
			rows, err := query(1 + i%1000)
			require.NoError(b, err)
			for rows.Next() {
			}
			require.NoError(b, rows.Err())
			rows.Close()
		}
	}
	b.Run("unprepared", func(b *testing.B) {
		run(b, func(id int) (*sql.Rows, error) { return db.Query(pointQuery, id) })
	})
	b.Run("prepared", func(b *testing.B) {
		st, err := db.Prepare(pointQuery)
		require.NoError(b, err)
		defer st.Close()
		run(b, func(id int) (*sql.Rows, error) { return st.Query(id) })
	})
}
