package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []time.Duration
		want time.Duration
	}{
		{"none", nil, 0},
		{"one", []time.Duration{7}, 7},
		{"odd, unsorted", []time.Duration{9, 1, 5}, 5},
		{"even: mean of the middle two", []time.Duration{4, 1, 10, 2}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := append([]time.Duration(nil), tc.in...)
			assert.Equal(t, tc.want, median(tc.in))
			assert.Equal(t, in, tc.in, "median must not reorder its argument")
		})
	}
}

func TestGeomean(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    []float64
		want  float64
		count int
	}{
		{"none", nil, 0, 0},
		{"one", []float64{3}, 3, 1},
		{"reciprocals cancel", []float64{4, 0.25}, 1, 2},
		{"three", []float64{1, 2, 4}, 2, 3},
		{"skips missing ratios", []float64{0, 8, 2, math.Inf(1), math.NaN()}, 4, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, n := geomean(tc.in)
			assert.InDelta(t, tc.want, got, 1e-12)
			assert.Equal(t, tc.count, n)
		})
	}
}

func TestRatio(t *testing.T) {
	for _, tc := range []struct {
		name string
		q    Query
		want float64
	}{
		{"both timed", Query{Status: statusOK, Hopsql: 3, DuckDB: 2}, 1.5},
		{"a mismatch still has a ratio", Query{Status: statusMismatch, Hopsql: 1, DuckDB: 4}, 0.25},
		{"an error has none", Query{Status: statusError, Hopsql: 1, DuckDB: 1}, 0},
		{"no DuckDB time", Query{Status: statusOK, Hopsql: 1}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.InDelta(t, tc.want, tc.q.Ratio(), 1e-12)
		})
	}
}

// sample is a small run with one mismatch and one error.
func sample() *Results {
	return &Results{
		Machine: Machine{OS: "linux", Arch: "amd64", CPU: "Test CPU", Cores: 2, MemoryGiB: 8, Go: "go1.26", DuckDB: "1.5.5"},
		Command: "go run -tags duckdb,duckdb_arrow ./cmd/report -runs 3",
		Started: time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC), Elapsed: 60, DuckDBAPI: duckDBArrow, Threads: 2, Runs: 3, SF: 1, Scale: 10,
		TPCH: []Query{
			{Name: "q01", Status: statusOK, Rows: 4, Hopsql: 2, DuckDB: 1},
			{Name: "q02", Status: statusMismatch, Rows: 100, Hopsql: 0.5, DuckDB: 1, Mismatches: 3, Detail: "row 1 | differs"},
			{Name: "q09", Status: statusError, Detail: "memory limit"},
		},
		Workload: []Query{{Name: "top_n", Status: statusOK, Rows: 100, Hopsql: 0.012, DuckDB: 0.010}},
		Streaming: []Stream{
			{Scale: 1, API: "arrow", Rows: 100_000, PeakRSS: 100 << 20},
			{Scale: 10, API: "arrow", Rows: 1_000_000, PeakRSS: 110 << 20},
		},
		Hopsworks: &Hopsworks{Scale: 10, Rows: 1000, Hopsql: 2, Bare: 1, Pushdown: []Pushdown{
			{Setting: "auto", ResultRows: 100, RowsRead: 104, BytesRead: 1 << 20, Time: 0.5},
			{Setting: "off", Error: "boom"},
		}},
	}
}

func TestWriteMarkdown(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, writeMarkdown(&b, sample()))
	md := b.String()
	for _, want := range []string{
		"Test CPU, 2 cores, 8.0 GiB memory",
		"Go go1.26, DuckDB 1.5.5",
		"`go run -tags duckdb,duckdb_arrow ./cmd/report -runs 3`",
		"DuckDB's\nthrough its Arrow interface",
		"**⚠ 1 QUERIES GAVE ANSWERS THAT DIFFER FROM DUCKDB'S.**",
		"| q01 | ok | 4 | 2.00 s | 1.00 s | 2.00 |  |",
		"| q02 | **MISMATCH** | 100 | 500.0 ms | 1.00 s | 0.50 | row 1 \\| differs |",
		"| q09 | error | 0 | - | - | - | memory limit |",
		// sqrt(2 * 0.5) = 1 over the two queries that ran.
		"Geometric mean of the ratios: **1.00** over 2 of 3 queries.",
		"| TPC-H SF1 geomean ≤ 1.5 | 1.00 over 2 queries (1 did not run) ❌ |",
		"worst 2.00 (q01) ❌",
		"| workload: each query ≤ 1.5× DuckDB | all 1 queries ✅ |",
		"scale 1: 100 MiB, scale 10: 110 MiB, growth 1.10× ✅",
		"| streaming via database/sql | not measured at two scales |",
		"| Flight read ≥ 0.8× the bare Flight round trip | 0.50× ❌ |",
		"| pushdown: rows crossing Flight ≤ 1.05× the result rows | 1.040× (104 rows read for 100 result rows) ✅ |",
		"| hopsql over Flight | 2.00 s | 500 |",
		"| bare Flight | 1.00 s | 1e+03 |",
		"| auto | 100 | 104 | 1 MiB | 500.0 ms |",
		"| off | error: boom | | | |",
	} {
		assert.Contains(t, md, want)
	}
	assert.NotContains(t, md, "database/sql,")

	// A run from before DuckDB was read through Arrow says how it was timed.
	old := sample()
	old.DuckDBAPI = ""
	b.Reset()
	require.NoError(t, writeMarkdown(&b, old))
	assert.Contains(t, b.String(), "DuckDB's includes reading its rows through database/sql")
	assert.NotContains(t, b.String(), "Arrow interface")
}

func TestWriteJSONRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "RESULTS.json")
	want := sample()
	require.NoError(t, writeJSON(path, want))
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var got Results
	require.NoError(t, json.Unmarshal(b, &got))
	assert.Equal(t, *want, got)
}

func TestRenderFromJSON(t *testing.T) {
	dir := t.TempDir()
	jsonPath, mdPath := filepath.Join(dir, "RESULTS.json"), filepath.Join(dir, "RESULTS.md")
	require.NoError(t, writeJSON(jsonPath, sample()))
	require.NoError(t, render(jsonPath, mdPath))
	got, err := os.ReadFile(mdPath)
	require.NoError(t, err)
	var want bytes.Buffer
	require.NoError(t, writeMarkdown(&want, sample()))
	assert.Equal(t, want.String(), string(got))
	assert.Error(t, render(filepath.Join(dir, "missing.json"), mdPath))
}

func TestMismatches(t *testing.T) {
	assert.Equal(t, 1, mismatches(sample().TPCH))
	assert.Equal(t, 0, mismatches(sample().Workload))
}
