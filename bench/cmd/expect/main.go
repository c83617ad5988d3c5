//go:build duckdb

package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/hopsql/hopsql/bench/internal/duckref"
	"github.com/hopsql/hopsql/bench/internal/querytext"
	"github.com/hopsql/hopsql/connector/local/demo"
	"github.com/hopsql/hopsql/planner/plantest"
)

func main() {
	corpus := flag.String("corpus", "../planner/testdata/corpus", "the corpus directory")
	run := flag.String("run", "", "only the query files whose names match this regular expression")
	store := flag.String("store", "", "a demo store at scale 1 to use instead of generating one")
	threads := flag.Int("threads", 2, "DuckDB threads")
	flag.Parse()
	log.SetFlags(0)
	if err := expect(context.Background(), *corpus, *run, *store, *threads); err != nil {
		log.Fatal(err)
	}
}

func expect(ctx context.Context, corpus, run, store string, threads int) error {
	match, err := regexp.Compile(run)
	if err != nil {
		return fmt.Errorf("-run: %w", err)
	}
	files, err := filepath.Glob(filepath.Join(corpus, "*.sql"))
	if err != nil {
		return err
	}
	sort.Strings(files)
	if len(files) == 0 {
		return fmt.Errorf("no *.sql files in %s", corpus)
	}
	if store == "" {
		dir, err := os.MkdirTemp("", "hopsql-expect-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		if err := demo.Generate(ctx, dir, demo.DefaultScale); err != nil {
			return err
		}
		store = dir
	}
	db, err := duckref.Open(ctx, threads)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.AttachStore(ctx, store); err != nil {
		return err
	}
	var failed []string
	written := 0
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".sql")
		if !match.MatchString(name) {
			continue
		}
		res, err := answer(ctx, db, path)
		if err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", name, err))
			continue
		}
		var buf bytes.Buffer
		if err := plantest.Write(&buf, res); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(corpus, name+".expected"), buf.Bytes(), 0o644); err != nil {
			return err
		}
		written++
		if len(res.Rows) > 200 {
			log.Printf("%s: %d rows; keep answers under about 200 rows", name, len(res.Rows))
		}
	}
	log.Printf("wrote %d expected results with DuckDB %s", written, duckref.Version)
	orphans, err := filepath.Glob(filepath.Join(corpus, "*.expected"))
	if err != nil {
		return err
	}
	for _, o := range orphans {
		if _, err := os.Stat(strings.TrimSuffix(o, ".expected") + ".sql"); errors.Is(err, os.ErrNotExist) {
			log.Printf("%s has no query file; remove it", o)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("DuckDB could not answer %d queries:\n%s", len(failed), strings.Join(failed, "\n"))
	}
	return nil
}

// answer runs one query file in DuckDB.
func answer(ctx context.Context, db *duckref.DB, path string) (*plantest.Result, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f, err := plantest.ParseQuery(string(text))
	if err != nil {
		return nil, err
	}
	q := f.DuckDB
	if q == "" {
		if q, err = querytext.ToDuckDB(f.SQL); err != nil {
			return nil, err
		}
	}
	res, err := db.Query(ctx, f.Project, q)
	if err != nil {
		return nil, err
	}
	if !f.Ordered {
		plantest.SortRows(res)
	}
	return res, nil
}
