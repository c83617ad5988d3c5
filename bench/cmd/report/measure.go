//go:build duckdb && duckdb_arrow

package main

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow"

	"github.com/hopsql/hopsql/bench/internal/answer"
	"github.com/hopsql/hopsql/bench/internal/duckref"
	"github.com/hopsql/hopsql/bench/internal/querytext"
	"github.com/hopsql/hopsql/bench/internal/rss"
	"github.com/hopsql/hopsql/driver"
	"github.com/hopsql/hopsql/planner/plantest"
)

// engines runs one query in hopsql and in DuckDB over the same store.
type engines struct {
	hop     *sql.Conn
	duck    *duckref.DB
	runs    int
	timeout time.Duration
}

// tpchQueries reads q01.sql ... q22.sql from dir.
func tpchQueries(dir string) ([]namedQuery, error) {
	var qs []namedQuery
	for n := 1; n <= 22; n++ {
		name := fmt.Sprintf("q%02d", n)
		b, err := os.ReadFile(filepath.Join(dir, name+".sql"))
		if err != nil {
			return nil, fmt.Errorf("tpch: %w", err)
		}
		qs = append(qs, namedQuery{name, string(b)})
	}
	return qs, nil
}

// measureAll measures every query of qs.
func (e *engines) measureAll(ctx context.Context, qs []namedQuery) []Query {
	var out []Query
	for _, nq := range qs {
		start := time.Now()
		q := e.measure(ctx, nq)
		log.Printf("%s: %s, hopsql %s, DuckDB %s (%.0f s; the report's peak RSS so far %s)",
			q.Name, q.Status, secs(q.Hopsql), secs(q.DuckDB), time.Since(start).Seconds(), mib(rss.Peak()))
		out = append(out, q)
	}
	return out
}

// measure runs nq once in each engine as a warm-up, then e.runs times each,
// alternating, and compares the answers of every run.
func (e *engines) measure(ctx context.Context, nq namedQuery) Query {
	q := Query{Name: nq.name, Status: statusOK}
	fail := func(format string, args ...any) Query {
		q.Status = statusError
		q.Detail = fmt.Sprintf(format, args...)
		return q
	}
	f, err := plantest.ParseQuery(nq.text)
	if err != nil {
		return fail("%v", err)
	}
	duckSQL := f.DuckDB
	if duckSQL == "" {
		if duckSQL, err = querytext.ToDuckDB(f.SQL); err != nil {
			return fail("%v", err)
		}
	}
	var hopTimes, duckTimes []time.Duration
	for run := 0; run <= e.runs; run++ {
		got, ht, err := e.runHopsql(ctx, f.SQL)
		if err != nil {
			return fail("hopsql: %v", err)
		}
		dctx, cancel := context.WithTimeout(ctx, e.timeout)
		want, dt, err := e.duck.QueryArrow(dctx, f.Project, duckSQL)
		cancel()
		if err != nil {
			got.Release()
			return fail("DuckDB: %v", err)
		}
		q.Rows = got.Rows()
		err = answer.Compare(want, got, f.Ordered)
		got.Release()
		want.Release()
		// The comparison's garbage is the harness's: collect it now
		// rather than during the next timed run of either engine.
		runtime.GC()
		if err != nil {
			q.Mismatches++
			q.Status = statusMismatch
			q.Detail = fmt.Sprintf("run %d: %v", run, err)
			log.Printf("%s: MISMATCH in run %d (want is DuckDB's answer, got hopsql's):\n%v", nq.name, run, err)
		}
		if run > 0 {
			hopTimes = append(hopTimes, ht)
			duckTimes = append(duckTimes, dt)
		}
	}
	q.Hopsql, q.DuckDB = sec(median(hopTimes)), sec(median(duckTimes))
	return q
}

// runHopsql runs query through the driver's Arrow API and drains it,
// retaining every batch; the time covers the query and its batches, as
// duckref.QueryArrow's covers DuckDB's.
func (e *engines) runHopsql(ctx context.Context, query string) (*answer.Answer, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	start := time.Now()
	rr, err := driver.QueryArrow(ctx, e.hop, query)
	if err != nil {
		return nil, 0, err
	}
	defer rr.Release()
	var recs []arrow.Record
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	for rr.Next() {
		rec := rr.Record()
		rec.Retain()
		recs = append(recs, rec)
	}
	if err := rr.Err(); err != nil {
		return nil, 0, err
	}
	elapsed := time.Since(start)
	cols, err := answer.Columns(rr.Schema())
	if err != nil {
		return nil, 0, err
	}
	a, err := answer.New(cols, recs)
	if err != nil {
		return nil, 0, err
	}
	return a, elapsed, nil
}

// openHopsql opens a hopsql connection to the embedded store in dir.
func openHopsql(ctx context.Context, dir, project string) (*sql.DB, *sql.Conn, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, nil, err
	}
	db, err := sql.Open("hopsql", "file://"+filepath.ToSlash(abs)+"?project="+project)
	if err != nil {
		return nil, nil, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("hopsql: %w", err)
	}
	return db, conn, nil
}

// oneLine squeezes an error message onto one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
