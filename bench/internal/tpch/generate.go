package tpch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/pingcap/go-tpc/tpch/dbgen"

	"github.com/hopsql/hopsql/connector/local"
)

// Layout of the files: batches of batchRows rows go to the writers, which
// cut row groups of rowGroupRows rows and start a new file every
// rowsPerFile rows, so that scans of the big tables can run in parallel.
const (
	batchRows    = 16 * 1024
	rowGroupRows = 128 * 1024
	rowsPerFile  = 1 << 20
)

// dbgenMu serialises Generate: go-tpc's dbgen keeps its state in package
// variables.
var dbgenMu sync.Mutex

// Exists reports whether dir holds a complete TPC-H store (Generate renames
// the project into place only once every table is written).
func Exists(dir string) bool {
	fi, err := os.Stat(filepath.Join(dir, Project))
	return err == nil && fi.IsDir()
}

// Generate writes TPC-H at scale factor sf (a whole number, 1 or more) into
// the store directory dir as project tpch, unless dir already holds it, in
// which case it reports false and writes nothing. The tables are written
// into a temporary directory inside dir and renamed into place when all
// are complete, so an interrupted run leaves no partial project. Generate
// stops, removing what it wrote, once ctx is done; one Generate runs at a
// time in a process.
func Generate(ctx context.Context, dir string, sf int, mem memory.Allocator) (bool, error) {
	if sf < 1 {
		return false, fmt.Errorf("tpch: scale factor %d: dbgen makes whole scale factors of 1 or more", sf)
	}
	if Exists(dir) {
		return false, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return false, fmt.Errorf("tpch: %w", err)
	}
	tmp, err := os.MkdirTemp(dir, ".tmp-tpch-")
	if err != nil {
		return false, fmt.Errorf("tpch: %w", err)
	}
	defer os.RemoveAll(tmp)
	projectDir := filepath.Join(tmp, Project)
	if err := local.WriteProject(tmp, local.ProjectFile{
		Name:        Project,
		Description: fmt.Sprintf("TPC-H at scale factor %d, made by go-tpc's dbgen", sf),
	}); err != nil {
		return false, err
	}
	if err := generate(ctx, projectDir, sf, mem); err != nil {
		return false, err
	}
	if err := os.Rename(projectDir, filepath.Join(dir, Project)); err != nil {
		return false, fmt.Errorf("tpch: %w", err)
	}
	return true, nil
}

func generate(ctx context.Context, projectDir string, sf int, mem memory.Allocator) (err error) {
	tables := map[string]*table{}
	defer func() {
		// Finish every writer; on failure the temporary directory goes.
		for _, name := range Tables {
			if t := tables[name]; t != nil {
				err = errors.Join(err, t.finish(ctx))
			}
		}
	}()
	for _, fg := range FeatureGroups() {
		t, err := newTable(projectDir, fg, mem)
		if err != nil {
			return err
		}
		tables[fg.Name] = t
	}
	loaders := map[dbgen.Table]dbgen.Loader{
		dbgen.TNation: &nationLoader{ctx: ctx, t: tables["nation"]},
		dbgen.TRegion: &regionLoader{ctx: ctx, t: tables["region"]},
		dbgen.TCust:   &customerLoader{ctx: ctx, t: tables["customer"]},
		dbgen.TSupp:   &supplierLoader{ctx: ctx, t: tables["supplier"]},
		dbgen.TPart:   &partLoader{ctx: ctx, t: tables["part"]},
		dbgen.TPsupp:  &partsuppLoader{ctx: ctx, t: tables["partsupp"]},
		dbgen.TOrder:  &ordersLoader{ctx: ctx, t: tables["orders"]},
		dbgen.TLine:   &lineitemLoader{ctx: ctx, t: tables["lineitem"]},
	}
	dbgenMu.Lock()
	defer dbgenMu.Unlock()
	dbgen.InitDbGen(int64(sf))
	return dbgen.DbGen(loaders, []dbgen.Table{dbgen.TNation, dbgen.TRegion, dbgen.TCust, dbgen.TSupp, dbgen.TPartPsupp, dbgen.TOrderLine})
}

// table collects the rows of one feature group into records, which a
// goroutine of its own encodes and writes, so that generating and encoding
// use two cores.
type table struct {
	name string
	rb   *array.RecordBuilder
	rows int
	recs chan arrow.Record
	done chan error
}

func newTable(projectDir string, fg local.FeatureGroupFile, mem memory.Allocator) (*table, error) {
	w, err := local.CreateFeatureGroup(projectDir, fg,
		local.WithRowGroupLength(rowGroupRows), local.WithRowsPerFile(rowsPerFile), local.WithWriterAllocator(mem))
	if err != nil {
		return nil, err
	}
	t := &table{
		name: fg.Name,
		rb:   array.NewRecordBuilder(mem, w.Schema()),
		recs: make(chan arrow.Record, 2),
		done: make(chan error, 1),
	}
	go func() {
		var err error
		for rec := range t.recs {
			if err == nil {
				err = w.Write(rec)
			}
			rec.Release()
		}
		if err == nil {
			err = w.Close()
		} else {
			w.Abort()
		}
		t.done <- err
	}()
	return t, nil
}

// row counts a row appended to the builders and hands a full batch to the
// writer.
func (t *table) row(ctx context.Context) error {
	t.rows++
	if t.rows < batchRows {
		return nil
	}
	return t.flush(ctx)
}

func (t *table) flush(ctx context.Context) error {
	if t.rows == 0 {
		return nil
	}
	rec := t.rb.NewRecord()
	t.rows = 0
	select {
	case t.recs <- rec:
		return nil
	case <-ctx.Done():
		rec.Release()
		return ctx.Err()
	}
}

// finish writes the last rows and waits for the writer.
func (t *table) finish(ctx context.Context) error {
	err := t.flush(ctx)
	close(t.recs)
	err = errors.Join(err, <-t.done)
	t.rb.Release()
	if err != nil {
		return fmt.Errorf("tpch: writing %s: %w", t.name, err)
	}
	return nil
}

func (t *table) i64(i int) *array.Int64Builder      { return t.rb.Field(i).(*array.Int64Builder) }
func (t *table) i32(i int) *array.Int32Builder      { return t.rb.Field(i).(*array.Int32Builder) }
func (t *table) str(i int) *array.StringBuilder     { return t.rb.Field(i).(*array.StringBuilder) }
func (t *table) dec(i int) *array.Decimal128Builder { return t.rb.Field(i).(*array.Decimal128Builder) }
func (t *table) date(i int) *array.Date32Builder    { return t.rb.Field(i).(*array.Date32Builder) }

// cents is an amount in hundredths as a decimal(15,2).
func cents(v int64) decimal128.Num { return decimal128.FromI64(v) }

// date parses dbgen's YYYY-MM-DD.
func date(s string) (arrow.Date32, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, fmt.Errorf("tpch: dbgen made date %q", s)
	}
	num := func(s string) (int, bool) {
		n := 0
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return 0, false
			}
			n = n*10 + int(s[i]-'0')
		}
		return n, true
	}
	y, ok1 := num(s[:4])
	m, ok2 := num(s[5:7])
	d, ok3 := num(s[8:])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > 31 {
		return 0, fmt.Errorf("tpch: dbgen made date %q", s)
	}
	return arrow.Date32(daysFromCivil(y, m, d)), nil
}

// daysFromCivil returns the days from 1970-01-01 to y-m-d (proleptic
// Gregorian), by Howard Hinnant's algorithm.
func daysFromCivil(y, m, d int) int32 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int32(era*146097 + doe - 719468)
}
