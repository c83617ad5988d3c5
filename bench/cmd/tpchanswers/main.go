//go:build duckdb

package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/hopsql/hopsql/bench/internal/duckref"
	"github.com/hopsql/hopsql/bench/internal/querytext"
	"github.com/hopsql/hopsql/bench/internal/tpch"
	"github.com/hopsql/hopsql/planner/plantest"
)

func main() {
	sf := flag.Int("sf", 1, "scale factor")
	dir := flag.String("dir", "", "TPC-H store directory (default data/tpch-sf<sf>)")
	queries := flag.String("queries", "../planner/testdata/tpch", "directory of q01.sql ... q22.sql")
	threads := flag.Int("threads", 2, "DuckDB threads")
	flag.Parse()
	log.SetFlags(0)
	if *dir == "" {
		*dir = fmt.Sprintf("data/tpch-sf%d", *sf)
	}
	if err := answers(context.Background(), *sf, *dir, *queries, *threads); err != nil {
		log.Fatal(err)
	}
}

func answers(ctx context.Context, sf int, dir, queries string, threads int) error {
	if _, err := tpch.Generate(ctx, dir, sf, memory.DefaultAllocator); err != nil {
		return err
	}
	db, err := duckref.Open(ctx, threads)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.AttachStore(ctx, dir); err != nil {
		return err
	}
	for n := 1; n <= 22; n++ {
		name := fmt.Sprintf("q%02d", n)
		text, err := os.ReadFile(filepath.Join(queries, name+".sql"))
		if err != nil {
			return err
		}
		f, err := plantest.ParseQuery(string(text))
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		q := f.DuckDB
		if q == "" {
			if q, err = querytext.ToDuckDB(f.SQL); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		start := time.Now()
		res, err := db.Query(ctx, f.Project, q)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		elapsed := time.Since(start)
		if !f.Ordered {
			plantest.SortRows(res)
		}
		var buf bytes.Buffer
		if err := plantest.Write(&buf, res); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(queries, name+".expected"), buf.Bytes(), 0o644); err != nil {
			return err
		}
		log.Printf("%s: %d rows in %v", name, len(res.Rows), elapsed.Round(time.Millisecond))
	}
	log.Printf("answers of DuckDB %s at SF%d written to %s", duckref.Version, sf, queries)
	return nil
}
