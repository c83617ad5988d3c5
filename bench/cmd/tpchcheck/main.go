// Command tpchcheck runs the 22 TPC-H queries through hopsql over the TPC-H
// store tpchgen writes and compares every answer with DuckDB's, stored as
// planner/testdata/tpch/qNN.expected by tpchanswers. It prints one line per
// query: pass, FAIL (a wrong answer) or error (hopsql could not plan or run
// it), with hopsql's time, and exits with status 1 unless every query
// passes. DuckDB is not needed.
//
// Usage, from bench/:
//
//	go run ./cmd/tpchcheck [-sf 1] [-dir data/tpch-sf1] [-run q0[1-6]] [-runs 3]
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/hopsql/hopsql/bench/internal/tpch"
	"github.com/hopsql/hopsql/catalog"
	"github.com/hopsql/hopsql/connector/local"
	"github.com/hopsql/hopsql/engine"
	"github.com/hopsql/hopsql/planner"
	"github.com/hopsql/hopsql/planner/plantest"
)

func main() {
	sf := flag.Int("sf", 1, "scale factor")
	dir := flag.String("dir", "", "TPC-H store directory (default data/tpch-sf<sf>; generated if missing)")
	queries := flag.String("queries", "../planner/testdata/tpch", "directory of qNN.sql and qNN.expected")
	run := flag.String("run", "", "only the queries whose names (q01 ... q22) match this regular expression")
	runs := flag.Int("runs", 1, "runs per query; the time shown is their median")
	threads := flag.Int("threads", runtime.GOMAXPROCS(0), "hopsql parallelism")
	timeout := flag.Duration("timeout", 5*time.Minute, "time limit per run")
	flag.Parse()
	log.SetFlags(0)
	if *dir == "" {
		*dir = fmt.Sprintf("data/tpch-sf%d", *sf)
	}
	ok, err := check(context.Background(), config{
		sf: *sf, dir: *dir, queries: *queries, run: *run, runs: max(1, *runs), threads: *threads, timeout: *timeout,
	})
	if err != nil {
		log.Fatal(err)
	}
	if !ok {
		os.Exit(1)
	}
}

type config struct {
	sf            int
	dir, queries  string
	run           string
	runs, threads int
	timeout       time.Duration
}

// outcome is one query's result.
type outcome struct {
	name   string
	status string // pass, FAIL or error
	rows   int
	time   time.Duration
	detail string
}

func check(ctx context.Context, cfg config) (bool, error) {
	match, err := regexp.Compile(cfg.run)
	if err != nil {
		return false, fmt.Errorf("-run: %w", err)
	}
	if made, err := tpch.Generate(ctx, cfg.dir, cfg.sf, memory.DefaultAllocator); err != nil {
		return false, err
	} else if made {
		log.Printf("generated TPC-H SF%d in %s", cfg.sf, cfg.dir)
	}
	wh, err := local.Open(cfg.dir)
	if err != nil {
		return false, err
	}
	cat, err := catalog.New(ctx, wh, tpch.Project)
	if err != nil {
		return false, err
	}
	p := planner.New(cat)
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "query\tstatus\trows\thopsql\tdetail\n")
	var counts = map[string]int{}
	var total time.Duration
	for n := 1; n <= 22; n++ {
		name := fmt.Sprintf("q%02d", n)
		if !match.MatchString(name) {
			continue
		}
		log.Printf("%s ...", name)
		o := checkQuery(ctx, p, cfg, name)
		counts[o.status]++
		t := "-"
		if o.status == "pass" || o.status == "FAIL" {
			t = fmt.Sprintf("%.3f s", o.time.Seconds())
			total += o.time
		}
		fmt.Fprintf(w, "%s\t%s\t%d\t%s\t%s\n", o.name, o.status, o.rows, t, o.detail)
	}
	fmt.Fprintf(w, "\npass %d, FAIL %d, error %d; hopsql time of the queries that ran: %.3f s (SF%d, %d threads, median of %d runs)\n",
		counts["pass"], counts["FAIL"], counts["error"], total.Seconds(), cfg.sf, cfg.threads, cfg.runs)
	w.Flush()
	return counts["FAIL"] == 0 && counts["error"] == 0, nil
}

func checkQuery(ctx context.Context, p *planner.Planner, cfg config, name string) outcome {
	o := outcome{name: name}
	fail := func(status, format string, args ...any) outcome {
		o.status = status
		o.detail = strings.ReplaceAll(fmt.Sprintf(format, args...), "\n", " ")
		if len(o.detail) > 160 {
			o.detail = o.detail[:160] + "..."
		}
		return o
	}
	text, err := os.ReadFile(filepath.Join(cfg.queries, name+".sql"))
	if err != nil {
		return fail("error", "%v", err)
	}
	q, err := plantest.ParseQuery(string(text))
	if err != nil {
		return fail("error", "%v", err)
	}
	ef, err := os.Open(filepath.Join(cfg.queries, name+".expected"))
	if err != nil {
		return fail("error", "no expected answer (run tpchanswers): %v", err)
	}
	want, err := plantest.Read(ef)
	ef.Close()
	if err != nil {
		return fail("error", "%v", err)
	}
	var times []time.Duration
	var got *plantest.Result
	for range cfg.runs {
		start := time.Now()
		got, err = runQuery(ctx, p, q.SQL, cfg)
		if err != nil {
			return fail("error", "%v", err)
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	o.time = times[len(times)/2]
	o.rows = len(got.Rows)
	if err := plantest.Compare(want, got, q.Ordered); err != nil {
		return fail("FAIL", "%v", err)
	}
	o.status = "pass"
	return o
}

// runQuery plans and runs sql and reads its whole result.
func runQuery(ctx context.Context, p *planner.Planner, sql string, cfg config) (*plantest.Result, error) {
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	plan, err := p.Plan(ctx, sql)
	if err != nil {
		return nil, fmt.Errorf("planning: %w", err)
	}
	rr, err := plan.Run(ctx, &engine.Exec{Parallelism: cfg.threads})
	if err != nil {
		return nil, fmt.Errorf("running: %w", err)
	}
	defer rr.Release()
	res, err := plantest.FromArrow(rr)
	if err != nil {
		return nil, fmt.Errorf("running: %w", err)
	}
	return res, nil
}
