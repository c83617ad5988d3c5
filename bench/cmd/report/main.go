//go:build duckdb && duckdb_arrow

package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/hopsql/hopsql/bench/internal/duckref"
	"github.com/hopsql/hopsql/bench/internal/tpch"
	"github.com/hopsql/hopsql/connector/local/demo"
	_ "github.com/hopsql/hopsql/driver" // registers "hopsql"
)

// config is the report's command line.
type config struct {
	sf, scale, runs, threads int
	out, queries             string
	timeout                  time.Duration
	skipTPCH, skipHopsworks  bool
}

func main() {
	log.SetFlags(0)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if len(os.Args) > 1 && os.Args[1] == streamCommand {
		if err := streamMain(ctx, os.Args[2:]); err != nil {
			log.Fatal(err)
		}
		return
	}
	var cfg config
	flag.IntVar(&cfg.sf, "sf", 1, "TPC-H scale factor")
	flag.IntVar(&cfg.scale, "scale", 10, "demo store scale (100,000 transactions per unit)")
	flag.IntVar(&cfg.runs, "runs", 5, "timed runs per query and engine, after one warm-up")
	flag.IntVar(&cfg.threads, "threads", 2, "threads of both engines (hopsql: GOMAXPROCS)")
	flag.StringVar(&cfg.out, "out", "RESULTS.md", "Markdown report; the JSON goes next to it")
	flag.StringVar(&cfg.queries, "queries", "../planner/testdata/tpch", "directory of the TPC-H qNN.sql")
	flag.DurationVar(&cfg.timeout, "timeout", 2*time.Minute, "time limit of one run of one query")
	flag.BoolVar(&cfg.skipTPCH, "skip-tpch", false, "leave TPC-H out")
	flag.BoolVar(&cfg.skipHopsworks, "skip-hopsworks", false, "leave the Flight figures out")
	renderFrom := flag.String("render", "", "only rewrite -out from this RESULTS.json, measuring nothing")
	flag.Parse()
	if *renderFrom != "" {
		if err := render(*renderFrom, cfg.out); err != nil {
			log.Fatal(err)
		}
		return
	}
	cfg.runs = max(1, cfg.runs)
	cfg.scale = max(1, cfg.scale)
	ok, err := report(ctx, cfg)
	if err != nil {
		log.Fatal(err)
	}
	if !ok {
		log.Print("FAILED: some answers differ from DuckDB's or some queries did not run; see the report")
		os.Exit(1)
	}
}

// setThreads sets hopsql's parallelism, which is GOMAXPROCS.
func setThreads(n int) {
	if n > 0 {
		runtime.GOMAXPROCS(n)
	}
}

// report runs everything and writes the report; ok is false if any query
// mismatched or failed.
func report(ctx context.Context, cfg config) (ok bool, err error) {
	setThreads(cfg.threads)
	r := &Results{
		Machine: describeMachine(duckref.Version),
		Command: "go run -tags duckdb,duckdb_arrow ./cmd/report " + strings.Join(os.Args[1:], " "),
		Started: time.Now(), DuckDBAPI: duckDBArrow, Threads: cfg.threads, Runs: cfg.runs, SF: cfg.sf, Scale: cfg.scale,
	}
	if !cfg.skipTPCH {
		dir := fmt.Sprintf("data/tpch-sf%d", cfg.sf)
		if made, err := tpch.Generate(ctx, dir, cfg.sf, memory.DefaultAllocator); err != nil {
			return false, err
		} else if made {
			log.Printf("generated TPC-H SF%d in %s", cfg.sf, dir)
		}
		qs, err := tpchQueries(cfg.queries)
		if err != nil {
			return false, err
		}
		if r.TPCH, err = runSuite(ctx, cfg, dir, "tpch", qs); err != nil {
			return false, err
		}
	}
	demoDir, err := ensureDemo(ctx, cfg.scale)
	if err != nil {
		return false, err
	}
	if r.Workload, err = runSuite(ctx, cfg, demoDir, "fraud", workloadQueries(cfg.scale)); err != nil {
		return false, err
	}
	if err := measureStreaming(ctx, cfg, r); err != nil {
		return false, err
	}
	if !cfg.skipHopsworks {
		r.Hopsworks = measureHopsworks(ctx, demoDir, cfg.scale, cfg.runs)
		log.Printf("hopsworks: %d rows, hopsql %s, bare Flight %s %s", r.Hopsworks.Rows,
			secs(r.Hopsworks.Hopsql), secs(r.Hopsworks.Bare), r.Hopsworks.Error)
	}
	r.Elapsed = sec(time.Since(r.Started))
	if err := writeMarkdownFile(cfg.out, r); err != nil {
		return false, err
	}
	jsonPath := strings.TrimSuffix(cfg.out, filepath.Ext(cfg.out)) + ".json"
	if err := writeJSON(jsonPath, r); err != nil {
		return false, err
	}
	log.Printf("wrote %s and %s in %.0f s", cfg.out, jsonPath, float64(r.Elapsed))
	for _, qs := range [][]Query{r.TPCH, r.Workload} {
		for _, q := range qs {
			if q.Status != statusOK {
				return false, nil
			}
		}
	}
	return true, nil
}

// runSuite measures qs in both engines over the store in dir.
func runSuite(ctx context.Context, cfg config, dir, project string, qs []namedQuery) ([]Query, error) {
	hdb, conn, err := openHopsql(ctx, dir, project)
	if err != nil {
		return nil, err
	}
	defer hdb.Close()
	defer conn.Close()
	duck, err := duckref.Open(ctx, cfg.threads)
	if err != nil {
		return nil, err
	}
	defer duck.Close()
	if err := duck.AttachStore(ctx, dir); err != nil {
		return nil, err
	}
	e := &engines{hop: conn, duck: duck, runs: cfg.runs, timeout: cfg.timeout}
	return e.measureAll(ctx, qs), nil
}

// ensureDemo returns the directory of the demo store at scale, generating
// it on first use.
func ensureDemo(ctx context.Context, scale int) (string, error) {
	dir := fmt.Sprintf("data/demo-scale%d", scale)
	if _, err := os.Stat(filepath.Join(dir, "fraud")); err == nil {
		return dir, nil
	}
	start := time.Now()
	if err := demo.Generate(ctx, dir, scale); err != nil {
		return "", fmt.Errorf("demo store: %w", err)
	}
	log.Printf("generated the demo store at scale %d in %s in %.0f s", scale, dir, time.Since(start).Seconds())
	return dir, nil
}

// measureStreaming measures streaming at a tenth of the scale and at the
// scale, each read in a fresh process, then the driver's decoding rate.
func measureStreaming(ctx context.Context, cfg config, r *Results) error {
	scales := []int{max(1, cfg.scale/10), cfg.scale}
	if scales[0] == scales[1] {
		scales = scales[1:]
	}
	for _, scale := range scales {
		dir, err := ensureDemo(ctx, scale)
		if err != nil {
			return err
		}
		for _, api := range []string{"database/sql", "arrow"} {
			s := measureStream(ctx, dir, scale, api, cfg.threads)
			log.Printf("streaming at scale %d through %s: %d rows, first row %.1f ms, peak RSS %s %s",
				scale, api, s.Rows, float64(s.FirstRow)*1000, mib(s.PeakRSS), s.Error)
			r.Streaming = append(r.Streaming, s)
		}
	}
	hdb, conn, err := openHopsql(ctx, fmt.Sprintf("data/demo-scale%d", cfg.scale), "fraud")
	if err != nil {
		return err
	}
	defer hdb.Close()
	defer conn.Close()
	r.Driver = measureDriver(ctx, conn, cfg.runs)
	return nil
}
