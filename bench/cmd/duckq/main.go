//go:build duckdb

package main

import (
	"context"
	"flag"
	"log"
	"os"
	"strings"

	"github.com/hopsql/hopsql/bench/internal/duckref"
	"github.com/hopsql/hopsql/bench/internal/querytext"
	"github.com/hopsql/hopsql/planner/plantest"
)

func main() {
	store := flag.String("store", "", "the embedded store directory")
	project := flag.String("project", plantest.DefaultProject, "the session's project")
	raw := flag.Bool("raw", false, "run the SQL as DuckDB SQL, without translating names")
	flag.Parse()
	log.SetFlags(0)
	if *store == "" || flag.NArg() == 0 {
		log.Fatal("usage: duckq -store DIR [-project fraud] [-raw] 'SELECT ...'")
	}
	ctx := context.Background()
	db, err := duckref.Open(ctx, 2)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	if err := db.AttachStore(ctx, *store); err != nil {
		log.Fatal(err)
	}
	q := strings.Join(flag.Args(), " ")
	if !*raw {
		if q, err = querytext.ToDuckDB(q); err != nil {
			log.Fatal(err)
		}
	}
	res, err := db.Query(ctx, *project, q)
	if err != nil {
		log.Fatal(err)
	}
	if err := plantest.Write(os.Stdout, res); err != nil {
		log.Fatal(err)
	}
}
