// Package demo generates hopsql's demo warehouse: three projects of a card
// issuer, in the on-disk layout of package local, with made-up but
// plausible data.
//
// Rows per scale unit are in brackets; every table has one row per scale
// unit times that number.
//
//	bank (shares its feature store with fraud)
//	  customers_1      [10,000]  customer_id bigint (primary key), name string, age int,
//	                             country string, segment string, signup_date date,
//	                             credit_limit double
//	  customers_2      [10,000]  the rows of customers_1, plus email_domain string
//	  merchants_1      [1,000]   merchant_id bigint (primary key), name string,
//	                             category string, country string, risk_score double
//	fraud
//	  transactions_1   [100,000] tx_id bigint (primary key), customer_id bigint,
//	                             merchant_id bigint, amount decimal(12,2), currency string,
//	                             ts timestamp (event time), is_fraud boolean
//	  customer_spend_1 [30,000]  customer_id bigint, ts timestamp (event time),
//	                             spend_7d double, tx_count_7d bigint;
//	                             primary key (customer_id, ts)
//	marketing
//	  campaigns_1      [20,000]  campaign_id bigint (primary key), customer_id bigint,
//	                             channel string, sent_at timestamp (event time)
//
// The data:
//
//   - Customers live mostly in the Nordics and the rest of Europe (country
//     is ISO 3166-1 alpha-2, Sweden first with about a quarter); about 80%
//     are retail, 15% premium and 5% business customers, whose credit limits
//     differ by an order of magnitude. Names follow the country. Ages are
//     NULL for about 3% of customers, countries for about 1%. Sign-up dates
//     run from 2017 to 2025, more of them recent.
//   - Merchants fall into 15 categories (grocery, travel, gambling, ...)
//     with typical amounts and risk; risk_score is in [0, 1] and NULL for
//     about 5%.
//   - Transactions cover 2026-01-01 to 2026-03-31 (UTC) with daily and
//     weekly rhythms and busy paydays, and are stored in ts order, tx_id
//     increasing with ts, so that row-group statistics on ts are selective.
//     Payment counts per customer are heavy-tailed (the top 1% of customers
//     make about a sixth of the payments, many customers none); at least
//     three in four payments go to a merchant in the customer's country.
//     Amounts are log-normal by category and segment, in the merchant's
//     currency (the customer's when merchant_id is NULL, about 0.5% of
//     payments). About 1% of payments are fraud, more often at risky
//     merchants, for large amounts and at night.
//   - customer_spend_1 holds 30 consecutive daily snapshots, at midnight UTC,
//     of each of the most active tenth of the customers, starting between
//     2026-01-08 and 2026-03-02. tx_count_7d is the number of the customer's
//     transactions with ts in [snapshot - 7 days, snapshot); spend_7d is
//     their amount converted to euros at fixed rates, rounded to cents.
//   - Campaign messages are sent in the same quarter, mostly in office hours
//     on weekdays, to customers picked uniformly.
//
// Every customer_id and merchant_id refers to an existing customer or
// merchant. Ids are numbered from 1. The values are drawn from PCG streams
// seeded by table (or entity) name and scale, never by time: the same scale
// always gives byte-identical Parquet files (on one CPU architecture: Go's
// math.Exp and math.Log may differ in the last bit between, say, amd64 and
// arm64).
package demo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/hopsql/hopsql/connector/local"
)

// DefaultScale is the scale hopsql uses for its demo store: 10,000
// customers and 100,000 transactions.
const DefaultScale = 1

// MaxScale is the largest scale Generate accepts: 100 million transactions.
// Generate keeps a few dozen bytes per customer in memory (about 30 MB per
// 100 scale units) and streams everything else.
const MaxScale = 1000

// Layout of the files: batches of batchRows rows are generated and written;
// row groups are small enough that a scale-1 table has several, so that
// pruning on ts shows; files roll over every rowsPerFile rows.
const (
	batchRows    = 64 * 1024
	rowGroupRows = 16 * 1024
	rowsPerFile  = 1 << 20
)

// Projects returns the names of the demo projects: bank, fraud and
// marketing.
func Projects() []string {
	ps := demoProjects()
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.file.Name
	}
	return names
}

// Generate writes the demo warehouse at the given scale into dir, which it
// creates if needed. dir may hold other projects, but none called bank,
// fraud or marketing (in any case): Generate never replaces data, and fails
// instead, leaving dir as it was.
//
// The projects are written into a temporary directory inside dir
// (.tmp-demo-*) and renamed into place once every table is complete, so an
// interrupted or failed run leaves no partial project. Tables are generated
// concurrently. Generate stops, removing what it wrote, once ctx is done.
func Generate(ctx context.Context, dir string, scale int) error {
	return generate(ctx, dir, scale, memory.DefaultAllocator)
}

func generate(ctx context.Context, dir string, scale int, mem memory.Allocator) error {
	if scale < 1 || scale > MaxScale {
		return fmt.Errorf("demo: scale %d is not between 1 and %d", scale, MaxScale)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	projects := demoProjects()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if err := checkAbsent(dir, projects); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(dir, ".tmp-demo-")
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	defer os.RemoveAll(tmp)

	w := newWorld(scale)
	var jobs []func(context.Context) error
	for _, p := range projects {
		if err := local.WriteProject(tmp, p.file); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		projectDir := filepath.Join(tmp, p.file.Name)
		for _, t := range p.tables {
			jobs = append(jobs, func(ctx context.Context) error {
				if err := writeTable(ctx, projectDir, t, w, mem); err != nil {
					return fmt.Errorf("demo: %s::%s_%d: %w", p.file.Name, t.fg.Name, t.fg.Version, err)
				}
				return nil
			})
		}
	}
	if err := runAll(ctx, jobs); err != nil {
		return err
	}
	return moveProjects(tmp, dir, projects)
}

// checkAbsent fails if dir holds a project Generate would write.
func checkAbsent(dir string, projects []project) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	for _, e := range entries {
		for _, p := range projects {
			if strings.EqualFold(e.Name(), p.file.Name) {
				return fmt.Errorf("demo: %s already exists; write the demo store into a directory without projects %s", filepath.Join(dir, e.Name()), strings.Join(Projects(), ", "))
			}
		}
	}
	return nil
}

// moveProjects renames the projects from tmp into dir, all or none.
func moveProjects(tmp, dir string, projects []project) error {
	if err := checkAbsent(dir, projects); err != nil {
		return err
	}
	for i, p := range projects {
		src, dst := filepath.Join(tmp, p.file.Name), filepath.Join(dir, p.file.Name)
		if err := os.Rename(src, dst); err != nil {
			for _, q := range projects[:i] {
				os.Rename(filepath.Join(dir, q.file.Name), filepath.Join(tmp, q.file.Name))
			}
			return fmt.Errorf("demo: %w", err)
		}
	}
	return nil
}

// runAll runs jobs concurrently and returns the first error; the first
// error cancels the context the others run with.
func runAll(ctx context.Context, jobs []func(context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	for _, job := range jobs {
		wg.Go(func() {
			if err := job(ctx); err != nil {
				once.Do(func() {
					first = err
					cancel()
				})
			}
		})
	}
	wg.Wait()
	return first
}

// writeTable writes the rows of t into projectDir.
func writeTable(ctx context.Context, projectDir string, t table, w *world, mem memory.Allocator) error {
	tw, err := local.CreateFeatureGroup(projectDir, t.fg,
		local.WithRowGroupLength(rowGroupRows),
		local.WithRowsPerFile(rowsPerFile),
		local.WithWriterAllocator(mem))
	if err != nil {
		return err
	}
	src := t.source(w)
	b := array.NewRecordBuilder(mem, tw.Schema())
	defer b.Release()
	total := t.perScale * int64(w.scale)
	for done := int64(0); done < total; {
		if err := ctx.Err(); err != nil {
			return errors.Join(err, tw.Abort())
		}
		n := min(batchRows, total-done)
		src.fill(b, int(n))
		rec := b.NewRecord()
		err := tw.Write(rec)
		rec.Release()
		if err != nil {
			return errors.Join(err, tw.Abort())
		}
		done += n
	}
	return tw.Close()
}
