//go:build duckdb && duckdb_arrow

package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"time"

	"github.com/hopsql/hopsql/driver"
)

// streamCommand is the hidden subcommand that measures one streaming read
// in a fresh process and prints it as JSON.
const streamCommand = "stream"

// measureStream runs streamCommand in a child process for the demo store in
// dir and returns what it measured.
func measureStream(ctx context.Context, dir string, scale int, api string, threads int) Stream {
	s := Stream{Scale: scale, API: api}
	exe, err := os.Executable()
	if err != nil {
		s.Error = err.Error()
		return s
	}
	cmd := exec.CommandContext(ctx, exe, streamCommand, "-dir", dir, "-api", api, "-threads", fmt.Sprint(threads))
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		s.Error = oneLine(fmt.Sprintf("%v: %s", err, errOut.String()))
		return s
	}
	if err := json.Unmarshal(out.Bytes(), &s); err != nil {
		s.Error = fmt.Sprintf("reading the child's figures: %v", err)
	}
	s.Scale = scale
	return s
}

// streamMain is the child process: it reads streamQuery through api
// ("database/sql" or "arrow") and prints a Stream as JSON.
func streamMain(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet(streamCommand, flag.ContinueOnError)
	dir := fs.String("dir", "", "demo store")
	api := fs.String("api", "arrow", "database/sql or arrow")
	threads := fs.Int("threads", 2, "GOMAXPROCS")
	if err := fs.Parse(args); err != nil {
		return err
	}
	setThreads(*threads)
	db, conn, err := openHopsql(ctx, *dir, "fraud")
	if err != nil {
		return err
	}
	defer db.Close()
	defer conn.Close()
	s := Stream{API: *api, BaseRSS: peakRSS()}
	var first, total time.Duration
	switch *api {
	case "database/sql":
		s.Rows, _, first, total, err = scanRows(ctx, conn, streamQuery)
	case "arrow":
		s.Rows, _, first, total, err = drainArrow(ctx, conn, streamQuery)
	default:
		err = fmt.Errorf("unknown API %q", *api)
	}
	if err != nil {
		return err
	}
	s.FirstRow, s.Total, s.PeakRSS = sec(first), sec(total), peakRSS()
	return json.NewEncoder(os.Stdout).Encode(s)
}

// scanRows reads query through database/sql, scanning every value, and
// returns the rows, values, time to the first row and total time.
func scanRows(ctx context.Context, conn *sql.Conn, query string) (rows, values int64, first, total time.Duration, err error) {
	start := time.Now()
	rs, err := conn.QueryContext(ctx, query)
	if err != nil {
		return 0, 0, 0, 0, err
	}
	defer rs.Close()
	cols, err := rs.Columns()
	if err != nil {
		return 0, 0, 0, 0, err
	}
	vals := make([]any, len(cols))
	dest := make([]any, len(cols))
	for i := range vals {
		dest[i] = &vals[i]
	}
	for rs.Next() {
		if rows == 0 {
			first = time.Since(start)
		}
		if err := rs.Scan(dest...); err != nil {
			return 0, 0, 0, 0, err
		}
		rows++
	}
	if err := rs.Err(); err != nil {
		return 0, 0, 0, 0, err
	}
	return rows, rows * int64(len(cols)), first, time.Since(start), nil
}

// drainArrow reads query through the Arrow API, releasing each batch, and
// returns the rows, values, time to the first batch and total time.
func drainArrow(ctx context.Context, conn *sql.Conn, query string) (rows, values int64, first, total time.Duration, err error) {
	start := time.Now()
	rr, err := driver.QueryArrow(ctx, conn, query)
	if err != nil {
		return 0, 0, 0, 0, err
	}
	defer rr.Release()
	cols := int64(rr.Schema().NumFields())
	for rr.Next() {
		if rows == 0 {
			first = time.Since(start)
		}
		rows += rr.Record().NumRows()
	}
	if err := rr.Err(); err != nil {
		return 0, 0, 0, 0, err
	}
	return rows, rows * cols, first, time.Since(start), nil
}

// measureDriver compares the decoding rate of rows.Scan and the Arrow API
// over streamQuery, median of runs after a warm-up each.
func measureDriver(ctx context.Context, conn *sql.Conn, runs int) []DriverFigure {
	var out []DriverFigure
	for _, api := range []struct {
		name string
		read func(context.Context, *sql.Conn, string) (int64, int64, time.Duration, time.Duration, error)
	}{{"rows.Scan", scanRows}, {"Arrow API", drainArrow}} {
		var times []time.Duration
		var values int64
		for run := 0; run <= runs; run++ {
			_, v, _, t, err := api.read(ctx, conn, streamQuery)
			if err != nil {
				out = append(out, DriverFigure{API: api.name + " (error: " + oneLine(err.Error()) + ")", Query: streamQuery})
				break
			}
			values = v
			if run > 0 {
				times = append(times, t)
			}
		}
		if len(times) == 0 {
			continue
		}
		m := median(times)
		out = append(out, DriverFigure{API: api.name, Query: streamQuery, Values: values, Time: sec(m), PerSec: float64(values) / m.Seconds()})
	}
	return out
}
