package hopsworks_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector/hopsworks/hopsworkstest"
	"github.com/hopsql/hopsql/connector/local/demo"
	"github.com/hopsql/hopsql/driver"
)

// BenchmarkFlightRead measures what the bench report's Flight figure
// measures (bench/cmd/report/hopsworks.go): SELECT * FROM transactions_1
// read from the Hopsworks test server through a hopsworks:// DSN with
// driver.QueryArrow ("driver"), against a bare Arrow Flight round trip
// ("bare": an in-process Flight server over TLS streaming, for any ticket,
// the batches the driver yields, read back with a bare flight.Client) in
// the same run. A third breaks the figure down: the query run over the
// embedded store directly through a file:// DSN ("local": what the test
// server executes for each read, without Flight). The connector alone,
// without planner and engine, is hopsworkstest's BenchmarkFlightRead
// (hopsql-client).
//
// Each sub-benchmark reports rows/s and, where it is measured, the CPU
// time of the whole process (client and servers) per read; the report's
// ratio is bare ns/op over driver ns/op. The demo store has 100,000
// transactions per scale unit; HOPSQL_BENCH_SCALE sets the scale (default
// 2), and HOPSQL_BENCH_DEMO, if set, names a directory that holds a demo
// store generated at that scale (by an earlier run, which writes it there
// when it is empty), so that a CPU profile shows the reads alone.
//
//	go test -run '^$' -bench FlightRead -benchtime 5x ./connector/hopsworks/
func BenchmarkFlightRead(b *testing.B) {
	ctx := context.Background()
	scale := 2
	if v := os.Getenv("HOPSQL_BENCH_SCALE"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(b, err, "HOPSQL_BENCH_SCALE")
		scale = n
	}
	dir := os.Getenv("HOPSQL_BENCH_DEMO")
	if dir == "" {
		dir = filepath.Join(b.TempDir(), "demo")
	}
	if _, err := os.Stat(filepath.Join(dir, "fraud")); err != nil {
		require.NoError(b, demo.Generate(ctx, dir, scale))
	}
	srv, err := hopsworkstest.Start(ctx, hopsworkstest.Config{Warehouse: dir})
	require.NoError(b, err)
	defer srv.Close()
	ca := filepath.Join(b.TempDir(), "ca.pem")
	require.NoError(b, os.WriteFile(ca, srv.CACertPEM(), 0o600))
	certs := b.TempDir()
	key := srv.NewAPIKey("fraud_user")
	q := url.Values{"api_key_value": {key}, "trust_store_path": {ca}, "cert_folder": {certs}}
	db, err := sql.Open("hopsql", fmt.Sprintf("hopsworks://%s:%d/fraud?%s", srv.Host(), srv.Port(), q.Encode()))
	require.NoError(b, err)
	defer db.Close()
	conn, err := db.Conn(ctx)
	require.NoError(b, err)
	defer conn.Close()
	const query = "SELECT * FROM transactions_1"

	// The bare server streams the batches the driver yields.
	schema, recs := driverRecords(b, ctx, conn, query)
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	rows := int64(0)
	for _, r := range recs {
		rows += r.NumRows()
	}
	read, stop, err := hopsworkstest.BareFlight(schema, recs)
	require.NoError(b, err)
	defer stop()

	b.Run(fmt.Sprintf("driver/rows=%d", rows), func(b *testing.B) {
		benchReads(b, rows, queryRows(conn, query))
	})
	b.Run(fmt.Sprintf("local/rows=%d", rows), func(b *testing.B) {
		benchLocal(b, dir, query, rows)
	})
	b.Run(fmt.Sprintf("bare/rows=%d", rows), func(b *testing.B) {
		benchReads(b, rows, read)
	})
}

// benchReads times b.N calls of read, each of which must read rows rows,
// and reports rows/s and the CPU time per read.
func benchReads(b *testing.B, rows int64, read func(context.Context) (int64, error)) {
	ctx := context.Background()
	defer reportCPU(b, processCPU())
	for i := 0; i < b.N; i++ {
		n, err := read(ctx)
		require.NoError(b, err)
		require.Equal(b, rows, n)
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// queryRows returns a read that runs query through the driver's Arrow API
// on conn and counts the rows of its batches.
func queryRows(conn *sql.Conn, query string) func(context.Context) (int64, error) {
	return func(ctx context.Context) (int64, error) {
		rr, err := driver.QueryArrow(ctx, conn, query)
		if err != nil {
			return 0, err
		}
		defer rr.Release()
		var n int64
		for rr.Next() {
			n += rr.Record().NumRows()
		}
		return n, rr.Err()
	}
}

// benchLocal runs query over the embedded store in dir through the driver
// (a file:// DSN): what the test server executes for each read, without
// Flight.
func benchLocal(b *testing.B, dir, query string, rows int64) {
	ctx := context.Background()
	abs, err := filepath.Abs(dir)
	require.NoError(b, err)
	db, err := sql.Open("hopsql", "file://"+abs+"?project=fraud")
	require.NoError(b, err)
	defer db.Close()
	conn, err := db.Conn(ctx)
	require.NoError(b, err)
	defer conn.Close()
	b.ResetTimer()
	benchReads(b, rows, queryRows(conn, query))
}

// reportCPU reports the process's CPU time per operation since start, in
// milliseconds, where it is measured.
func reportCPU(b *testing.B, start time.Duration) {
	if now := processCPU(); now > 0 {
		b.ReportMetric(float64(now-start)/float64(b.N)/1e6, "cpu-ms/op")
	}
}

// driverRecords runs query through the driver's Arrow API and returns its
// schema and batches, retained.
func driverRecords(b *testing.B, ctx context.Context, conn *sql.Conn, query string) (*arrow.Schema, []arrow.Record) {
	rr, err := driver.QueryArrow(ctx, conn, query)
	require.NoError(b, err)
	defer rr.Release()
	var recs []arrow.Record
	for rr.Next() {
		rec := rr.Record()
		rec.Retain()
		recs = append(recs, rec)
	}
	require.NoError(b, rr.Err())
	return rr.Schema(), recs
}
