package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"
)

// Status values of a query.
const (
	statusOK       = "ok"
	statusMismatch = "MISMATCH"
	statusError    = "error"
)

// Results is everything one run of the report measured; it is written as
// RESULTS.json and rendered as RESULTS.md.
type Results struct {
	Machine   Machine        `json:"machine"`
	Command   string         `json:"command"`
	Started   time.Time      `json:"started"`
	Elapsed   Seconds        `json:"elapsed_s"`
	Threads   int            `json:"threads"`
	Runs      int            `json:"runs"`
	SF        int            `json:"tpch_sf"`
	Scale     int            `json:"demo_scale"`
	TPCH      []Query        `json:"tpch"`
	Workload  []Query        `json:"workload"`
	Streaming []Stream       `json:"streaming"`
	Driver    []DriverFigure `json:"driver"`
	Hopsworks *Hopsworks     `json:"hopsworks,omitempty"`
	// DuckDBAPI is how DuckDB's answers were read and timed: "arrow" (its
	// Arrow interface, batches drained like hopsql's), or "" for older runs,
	// which read rows through database/sql.
	DuckDBAPI string `json:"duckdb_api,omitempty"`
}

// Machine describes where the report ran.
type Machine struct {
	OS        string  `json:"os"`
	Arch      string  `json:"arch"`
	CPU       string  `json:"cpu"`
	Cores     int     `json:"cores"`
	MemoryGiB float64 `json:"memory_gib"`
	Go        string  `json:"go"`
	DuckDB    string  `json:"duckdb"`
}

// Query is one query's figures: medians of the timed runs of both engines.
type Query struct {
	Name   string  `json:"name"`
	Status string  `json:"status"`
	Detail string  `json:"detail,omitempty"`
	Rows   int     `json:"rows"`
	Hopsql Seconds `json:"hopsql_s"`
	DuckDB Seconds `json:"duckdb_s"`
	// Mismatches counts the runs whose answers differed.
	Mismatches int `json:"mismatches"`
}

// Ratio returns hopsql's median over DuckDB's, or 0 if either is missing.
func (q Query) Ratio() float64 {
	if q.Status == statusError || q.Hopsql <= 0 || q.DuckDB <= 0 {
		return 0
	}
	return float64(q.Hopsql) / float64(q.DuckDB)
}

// Stream is the figures of one streaming read, measured in a fresh process.
type Stream struct {
	Scale    int     `json:"scale"`
	API      string  `json:"api"` // "database/sql" or "arrow"
	Rows     int64   `json:"rows"`
	FirstRow Seconds `json:"first_row_s"`
	Total    Seconds `json:"total_s"`
	PeakRSS  int64   `json:"peak_rss_bytes"`
	BaseRSS  int64   `json:"base_rss_bytes"`
	Error    string  `json:"error,omitempty"`
}

// DriverFigure is the decoding rate of one API over the same query.
type DriverFigure struct {
	API    string  `json:"api"`
	Query  string  `json:"query"`
	Values int64   `json:"values"`
	Time   Seconds `json:"time_s"`
	PerSec float64 `json:"values_per_s"`
}

// Seconds is a duration written as seconds in JSON.
type Seconds float64

// sec converts d to Seconds.
func sec(d time.Duration) Seconds { return Seconds(d.Seconds()) }

// mismatches counts the queries of qs whose answers differed in some run.
func mismatches(qs []Query) int {
	n := 0
	for _, q := range qs {
		if q.Mismatches > 0 || q.Status == statusMismatch {
			n++
		}
	}
	return n
}

// writeJSON writes r to path.
func writeJSON(path string, r *Results) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("results: %w", err)
	}
	return nil
}

// Hopsworks is what was read over Flight from the Hopsworks test server.
type Hopsworks struct {
	Scale int   `json:"scale"`
	Rows  int64 `json:"rows"`
	// Hopsql and Bare are the medians of reading the rows through the
	// driver and through a bare Flight round trip of the same batches.
	Hopsql   Seconds    `json:"hopsql_s"`
	Bare     Seconds    `json:"bare_s"`
	Pushdown []Pushdown `json:"pushdown"`
	Error    string     `json:"error,omitempty"`
}

// Pushdown is what the training join's scans read with one join_pushdown
// setting.
type Pushdown struct {
	Setting    string  `json:"join_pushdown"`
	ResultRows int64   `json:"result_rows"`
	RowsRead   int64   `json:"rows_read"`
	BytesRead  int64   `json:"bytes_read"`
	Time       Seconds `json:"time_s"`
	Error      string  `json:"error,omitempty"`
}

// render rewrites the Markdown report at mdPath from the JSON at jsonPath,
// for a change of presentation without measuring again.
func render(jsonPath, mdPath string) error {
	b, err := os.ReadFile(jsonPath)
	if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	var r Results
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("results: %s: %w", jsonPath, err)
	}
	return writeMarkdownFile(mdPath, &r)
}

// writeMarkdownFile writes the Markdown report of r to path.
func writeMarkdownFile(path string, r *Results) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	if err := writeMarkdown(f, r); err != nil {
		f.Close()
		return fmt.Errorf("results: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("results: %w", err)
	}
	return nil
}
