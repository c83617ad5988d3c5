// Command tpchgen generates TPC-H data with go-tpc's port of the official
// dbgen and writes it as an embedded hopsql store: project tpch, feature
// groups lineitem_1, orders_1, customer_1, part_1, partsupp_1, supplier_1,
// nation_1 and region_1. Data already generated in the directory is kept.
//
// Usage, from bench/:
//
//	go run ./cmd/tpchgen [-sf 1] [-dir data/tpch-sf1]
//
// With -schema FILE it writes the feature groups' definitions as a JSON
// array of featuregroup.json documents to FILE instead; the planner's
// TPC-H tests read ../planner/testdata/tpch/schema.json, written so.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"time"

	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/hopsql/hopsql/bench/internal/rss"
	"github.com/hopsql/hopsql/bench/internal/tpch"
)

func main() {
	sf := flag.Int("sf", 1, "scale factor (whole number)")
	dir := flag.String("dir", "", "store directory (default data/tpch-sf<sf>)")
	schema := flag.String("schema", "", "write the feature group definitions to this file and exit")
	flag.Parse()
	log.SetFlags(0)
	if *schema != "" {
		b, err := json.MarshalIndent(tpch.FeatureGroups(), "", "  ")
		if err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(*schema, append(b, '\n'), 0o644); err != nil {
			log.Fatal(err)
		}
		return
	}
	if *dir == "" {
		*dir = fmt.Sprintf("data/tpch-sf%d", *sf)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	start := time.Now()
	made, err := tpch.Generate(ctx, *dir, *sf, memory.DefaultAllocator)
	if err != nil {
		log.Fatal(err)
	}
	if !made {
		log.Printf("%s already holds TPC-H; remove %s/%s to generate it again", *dir, *dir, tpch.Project)
		return
	}
	log.Printf("TPC-H SF%d written to %s in %.1f s, peak RSS %d MiB",
		*sf, *dir, time.Since(start).Seconds(), rss.Peak()>>20)
}
