//go:build duckdb && duckdb_arrow

package duckref

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/duckdb/duckdb-go/v2"

	arrow18 "github.com/apache/arrow-go/v18/arrow"

	"github.com/hopsql/hopsql/bench/internal/answer"
)

// QueryArrow runs query with project as the session's project through
// DuckDB's Arrow interface (duckdb-go's, behind the build tag
// duckdb_arrow) and returns its answer with the time from the start of the
// query to its last batch, every batch retained as DuckDB yields it: the
// same work the benchmark times for hopsql's driver.QueryArrow.
//
// The time leaves out setting the session's project, preparing the query
// once more for its column types (DuckDB's Arrow gives a HUGEINT as a
// DECIMAL(38,0), which compares differently against a DOUBLE), and
// wrapping the batches in hopsql's Arrow version (arrow/go/v15; DuckDB's
// is arrow-go/v18), which copies no data.
func (d *DB) QueryArrow(ctx context.Context, project, query string) (*answer.Answer, time.Duration, error) {
	if err := d.use(ctx, project); err != nil {
		return nil, 0, err
	}
	types, err := d.resultTypes(ctx, query)
	if err != nil {
		return nil, 0, err
	}
	var recs []arrow18.RecordBatch
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	var elapsed time.Duration
	var schema *arrow18.Schema
	err = d.conn.Raw(func(dc any) error {
		conn, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("%T is not a driver connection", dc)
		}
		ar, err := duckdb.NewArrowFromConn(conn)
		if err != nil {
			return err
		}
		start := time.Now()
		rr, err := ar.QueryContext(ctx, query)
		if err != nil {
			return err
		}
		defer rr.Release()
		for rr.Next() {
			rec := rr.RecordBatch()
			rec.Retain()
			recs = append(recs, rec)
		}
		if err := rr.Err(); err != nil {
			return err
		}
		elapsed = time.Since(start)
		schema = rr.Schema()
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("duckref: %w", err)
	}
	a, err := wrapAnswer(schema, types, recs)
	if err != nil {
		return nil, 0, err
	}
	return a, elapsed, nil
}

// wrapAnswer wraps DuckDB's records in an Answer of arrow/go/v15 records.
// A HUGEINT or UHUGEINT column, which DuckDB's Arrow gives as a
// DECIMAL(38,0), is named by its DuckDB type.
func wrapAnswer(schema18 *arrow18.Schema, types []duckdb.Type, recs18 []arrow18.RecordBatch) (*answer.Answer, error) {
	if len(types) != schema18.NumFields() {
		return nil, fmt.Errorf("duckref: the prepared query has %d columns, its answer %d", len(types), schema18.NumFields())
	}
	schema, err := schemaV15(schema18)
	if err != nil {
		return nil, err
	}
	cols, err := answer.Columns(schema)
	if err != nil {
		return nil, fmt.Errorf("duckref: %w", err)
	}
	for i, t := range types {
		switch t {
		case duckdb.TYPE_HUGEINT:
			cols[i].Type = "HUGEINT"
		case duckdb.TYPE_UHUGEINT:
			cols[i].Type = "UHUGEINT"
		}
	}
	var recs []arrow.Record
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	for _, r := range recs18 {
		rec, err := wrapRecord(schema, r)
		if err != nil {
			return nil, err
		}
		recs = append(recs, rec)
	}
	return answer.New(cols, recs)
}

// resultTypes prepares query and returns the DuckDB types of its columns.
func (d *DB) resultTypes(ctx context.Context, query string) ([]duckdb.Type, error) {
	var types []duckdb.Type
	err := d.conn.Raw(func(dc any) error {
		pc, ok := dc.(driver.ConnPrepareContext)
		if !ok {
			return fmt.Errorf("%T cannot prepare", dc)
		}
		st, err := pc.PrepareContext(ctx, query)
		if err != nil {
			return err
		}
		s, ok := st.(*duckdb.Stmt)
		if !ok {
			return errors.Join(fmt.Errorf("%T is not a DuckDB statement", st), st.Close())
		}
		n, err := s.ColumnCount()
		for i := 0; err == nil && i < n; i++ {
			var t duckdb.Type
			if t, err = s.ColumnType(i); err == nil {
				types = append(types, t)
			}
		}
		return errors.Join(err, s.Close())
	})
	if err != nil {
		return nil, fmt.Errorf("duckref: %w", err)
	}
	return types, nil
}
