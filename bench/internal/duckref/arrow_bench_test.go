//go:build duckdb && duckdb_arrow

package duckref

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/bench/internal/answer"
	"github.com/hopsql/hopsql/connector/local/demo"
)

// trainingJoin is the report's training join (cmd/report/workload.go) in
// DuckDB's spelling.
const trainingJoin = `SELECT t.tx_id, t.amount, t.currency, t.ts, t.is_fraud,
       c.age, c.country AS customer_country, c.segment, c.credit_limit,
       m.category, m.country AS merchant_country, m.risk_score
FROM transactions_1 t
JOIN bank.customers_1 c ON t.customer_id = c.customer_id
JOIN bank.merchants_1 m ON t.merchant_id = m.merchant_id
WHERE t.ts >= date '2026-02-01' AND t.ts < date '2026-03-01'
  AND c.segment <> 'business' AND m.risk_score IS NOT NULL`

// benchStore returns the demo store in DUCKREF_BENCH_STORE, or generates
// one at scale DUCKREF_BENCH_SCALE (default 1) in a temporary directory.
func benchStore(b *testing.B) string {
	if dir := os.Getenv("DUCKREF_BENCH_STORE"); dir != "" {
		return dir
	}
	scale := 1
	if s := os.Getenv("DUCKREF_BENCH_SCALE"); s != "" {
		var err error
		scale, err = strconv.Atoi(s)
		require.NoError(b, err)
	}
	dir := filepath.Join(b.TempDir(), "demo")
	require.NoError(b, demo.Generate(context.Background(), dir, scale))
	return dir
}

// BenchmarkTrainingJoin reads the training join's answer through
// database/sql (every value scanned into its canonical text, as the report
// did before) and through DuckDB's Arrow interface (batches drained), over
// the demo store of benchStore:
//
//	go test -tags duckdb,duckdb_arrow -run '^$' -bench '^BenchmarkTrainingJoin$' ./internal/duckref
func BenchmarkTrainingJoin(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, 2)
	require.NoError(b, err)
	defer db.Close()
	require.NoError(b, db.AttachStore(ctx, benchStore(b)))

	b.Run("database_sql", func(b *testing.B) {
		for b.Loop() {
			res, err := db.Query(ctx, "fraud", trainingJoin)
			require.NoError(b, err)
			b.ReportMetric(float64(len(res.Rows)), "rows")
		}
	})
	b.Run("arrow", func(b *testing.B) {
		var timed time.Duration
		n := 0
		for b.Loop() {
			a, elapsed, err := db.QueryArrow(ctx, "fraud", trainingJoin)
			require.NoError(b, err)
			b.ReportMetric(float64(a.Rows()), "rows")
			a.Release()
			timed += elapsed
			n++
		}
		// What the report times: the query and its batches, without
		// preparing for the column types or wrapping the batches.
		b.ReportMetric(float64(timed.Nanoseconds())/float64(n), "timed-ns/op")
	})
}

// BenchmarkCompareTrainingJoin compares two answers of the training join
// (DuckDB's, read twice), unordered, as the report compares hopsql's with
// DuckDB's: B/op is what the comparison allocates, answer-MiB the Arrow
// buffers of one answer, which the report holds for both engines while it
// compares. The store is chosen as for BenchmarkTrainingJoin.
func BenchmarkCompareTrainingJoin(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, 2)
	require.NoError(b, err)
	defer db.Close()
	require.NoError(b, db.AttachStore(ctx, benchStore(b)))
	want, _, err := db.QueryArrow(ctx, "fraud", trainingJoin)
	require.NoError(b, err)
	defer want.Release()
	got, _, err := db.QueryArrow(ctx, "fraud", trainingJoin)
	require.NoError(b, err)
	defer got.Release()
	size := 0
	for _, rec := range want.Records {
		for _, col := range rec.Columns() {
			for _, buf := range col.Data().Buffers() {
				if buf != nil {
					size += buf.Len()
				}
			}
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		require.NoError(b, answer.Compare(want, got, false))
	}
	b.ReportMetric(float64(want.Rows()), "rows")
	b.ReportMetric(float64(size)/(1<<20), "answer-MiB")
}
