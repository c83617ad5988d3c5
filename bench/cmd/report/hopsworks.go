//go:build duckdb && duckdb_arrow

package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/apache/arrow/go/v15/arrow"

	"github.com/hopsql/hopsql/connector/hopsworks/hopsworkstest"
	"github.com/hopsql/hopsql/driver"
	"github.com/hopsql/hopsql/planner/plantest"
)

// measureHopsworks reads from the Hopsworks test server serving the demo
// store in dir: SELECT * FROM transactions_1 through the driver against a
// bare Flight round trip of the same batches, and the workload's training
// join with join pushdown on and off.
func measureHopsworks(ctx context.Context, dir string, scale, runs int) *Hopsworks {
	h := &Hopsworks{Scale: scale}
	if err := h.measure(ctx, dir, runs); err != nil {
		h.Error = oneLine(err.Error())
	}
	return h
}

func (h *Hopsworks) measure(ctx context.Context, dir string, runs int) error {
	srv, err := hopsworkstest.Start(ctx, hopsworkstest.Config{Warehouse: dir})
	if err != nil {
		return err
	}
	defer srv.Close()
	tmp, err := os.MkdirTemp("", "hopsql-report-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	ca := filepath.Join(tmp, "ca.pem")
	if err := os.WriteFile(ca, srv.CACertPEM(), 0o600); err != nil {
		return err
	}
	certs := filepath.Join(tmp, "certs")
	if err := os.Mkdir(certs, 0o700); err != nil {
		return err
	}
	apiKey := srv.NewAPIKey("fraud_user")
	dsn := func(pushdown driver.JoinPushdown) string {
		q := url.Values{"api_key_value": {apiKey}, "trust_store_path": {ca}, "cert_folder": {certs}, "join_pushdown": {string(pushdown)}}
		return fmt.Sprintf("hopsworks://%s:%d/fraud?%s", srv.Host(), srv.Port(), q.Encode())
	}
	if err := h.measureScan(ctx, dsn(driver.JoinPushdownAuto), runs); err != nil {
		return err
	}
	f, err := plantest.ParseQuery(workloadQueries(h.Scale)[0].text)
	if err != nil {
		return err
	}
	for _, setting := range []driver.JoinPushdown{driver.JoinPushdownAuto, driver.JoinPushdownOff} {
		p, err := measurePushdown(ctx, dsn(setting), f.SQL)
		p.Setting = string(setting)
		if err != nil {
			p.Error = oneLine(err.Error())
		}
		h.Pushdown = append(h.Pushdown, p)
	}
	return nil
}

// measureScan times SELECT * FROM transactions_1 through the driver's
// Arrow API over dsn, then a bare Flight round trip of the same batches.
func (h *Hopsworks) measureScan(ctx context.Context, dsn string, runs int) error {
	db, err := sql.Open("hopsql", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	schema, recs, err := readRecords(ctx, conn, streamQuery)
	if err != nil {
		return fmt.Errorf("hopsql over Flight: %w", err)
	}
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	for _, r := range recs {
		h.Rows += r.NumRows()
	}
	var times []time.Duration
	for range runs {
		rows, _, _, t, err := drainArrow(ctx, conn, streamQuery)
		if err != nil {
			return fmt.Errorf("hopsql over Flight: %w", err)
		}
		if rows != h.Rows {
			return fmt.Errorf("hopsql over Flight read %d rows, then %d", h.Rows, rows)
		}
		times = append(times, t)
	}
	h.Hopsql = sec(median(times))
	read, stop, err := hopsworkstest.BareFlight(schema, recs)
	if err != nil {
		return err
	}
	defer stop()
	times = times[:0]
	for run := 0; run <= runs; run++ {
		start := time.Now()
		rows, err := read(ctx)
		if err != nil {
			return fmt.Errorf("bare Flight: %w", err)
		}
		if rows != h.Rows {
			return fmt.Errorf("bare Flight read %d rows, want %d", rows, h.Rows)
		}
		if run > 0 {
			times = append(times, time.Since(start))
		}
	}
	h.Bare = sec(median(times))
	return nil
}

// readRecords runs query through the Arrow API and keeps its batches; the
// caller releases them.
func readRecords(ctx context.Context, conn *sql.Conn, query string) (*arrow.Schema, []arrow.Record, error) {
	rr, err := driver.QueryArrow(ctx, conn, query)
	if err != nil {
		return nil, nil, err
	}
	defer rr.Release()
	var recs []arrow.Record
	for rr.Next() {
		rec := rr.Record()
		rec.Retain()
		recs = append(recs, rec)
	}
	if err := rr.Err(); err != nil {
		for _, r := range recs {
			r.Release()
		}
		return nil, nil, err
	}
	return rr.Schema(), recs, nil
}

// measurePushdown runs query once over dsn and counts what its scans read.
func measurePushdown(ctx context.Context, dsn, query string) (Pushdown, error) {
	var p Pushdown
	db, err := sql.Open("hopsql", dsn)
	if err != nil {
		return p, err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return p, err
	}
	defer conn.Close()
	var prog driver.Progress
	rows, _, _, t, err := drainArrow(driver.WithProgress(ctx, &prog), conn, query)
	if err != nil {
		return p, err
	}
	p.ResultRows, p.RowsRead, p.BytesRead, p.Time = rows, prog.RowsRead(), prog.BytesRead(), sec(t)
	return p, nil
}
