//go:build duckdb

// Package duckref runs queries in DuckDB over the Parquet files of an
// embedded hopsql store, the reference hopsql's answers are checked
// against. Each project is a DuckDB schema with a view per feature group
// table (bank.customers_1) and per feature group name (bank.customers, its
// latest version); <project>_featurestore is a second schema with the same
// views. Sessions are UTC, timestamps are read as TIMESTAMP (not WITH TIME
// ZONE), and NULLs sort as in MySQL: first in ascending order, last in
// descending order.
package duckref

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"path/filepath"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/hopsql/hopsql/connector"
	"github.com/hopsql/hopsql/connector/local"
	"github.com/hopsql/hopsql/planner/plantest"
)

// Version is the DuckDB version the oracle runs, for reports.
const Version = "1.5.5"

// DB is an in-memory DuckDB database on one connection, so that session
// settings (search_path) hold for every query.
type DB struct {
	db   *sql.DB
	conn *sql.Conn
	// shared lists, per project, the projects whose stores it may read.
	shared map[string][]string
	// path is the connection's search_path, "" before the first query.
	path string
}

// Open opens an in-memory DuckDB that uses threads threads (0: DuckDB's
// default).
func Open(ctx context.Context, threads int) (*DB, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, fmt.Errorf("duckref: %w", err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("duckref: %w", err)
	}
	d := &DB{db: db, conn: conn, shared: map[string][]string{}}
	settings := []string{
		"SET TimeZone = 'UTC'",
		// MySQL's (and hopsql's) NULL order: first in ascending order,
		// last in descending order.
		"SET default_null_order = 'nulls_first_on_asc_last_on_desc'",
	}
	if threads > 0 {
		settings = append(settings, fmt.Sprintf("SET threads = %d", threads))
	}
	for _, s := range settings {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			d.Close()
			return nil, fmt.Errorf("duckref: %s: %w", s, err)
		}
	}
	return d, nil
}

// Close closes the database.
func (d *DB) Close() error {
	return errors.Join(d.conn.Close(), d.db.Close())
}

// Exec runs a statement that returns no rows.
func (d *DB) Exec(ctx context.Context, stmt string) error {
	d.path = "" // the statement may set another
	if _, err := d.conn.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("duckref: %w", err)
	}
	return nil
}

// AttachStore creates the schemas and views of every project of the
// embedded store in dir. Feature groups without Parquet files are skipped.
func (d *DB) AttachStore(ctx context.Context, dir string) error {
	wh, err := local.Open(dir)
	if err != nil {
		return err
	}
	projects, err := wh.Projects(ctx)
	if err != nil {
		return err
	}
	for _, p := range projects {
		stores, err := wh.Stores(ctx, p.Project)
		if err != nil {
			return err
		}
		for _, s := range stores[1:] {
			d.shared[p.Project] = append(d.shared[p.Project], s.Project)
		}
		fgs, err := wh.FeatureGroups(ctx, p.Project)
		if err != nil {
			return err
		}
		if err := d.attachProject(ctx, dir, p.Project, fgs); err != nil {
			return err
		}
	}
	return nil
}

func (d *DB) attachProject(ctx context.Context, dir, project string, fgs []*connector.FeatureGroup) error {
	schemas := []string{project, project + connector.StoreSuffix}
	for _, s := range schemas {
		if err := d.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+ident(s)); err != nil {
			return err
		}
	}
	latest := map[string]*connector.FeatureGroup{}
	for _, fg := range fgs {
		files, err := filepath.Glob(filepath.Join(dir, project, fg.TableName(), "*.parquet"))
		if err != nil {
			return fmt.Errorf("duckref: %w", err)
		}
		if len(files) == 0 {
			continue
		}
		glob := filepath.Join(dir, project, fg.TableName(), "*.parquet")
		sel, err := d.selectList(ctx, glob)
		if err != nil {
			return err
		}
		for _, s := range schemas {
			stmt := fmt.Sprintf("CREATE OR REPLACE VIEW %s.%s AS SELECT %s FROM read_parquet(%s)", ident(s), ident(fg.TableName()), sel, literal(glob))
			if err := d.Exec(ctx, stmt); err != nil {
				return err
			}
		}
		if l := latest[fg.Name]; l == nil || fg.Version > l.Version {
			latest[fg.Name] = fg
		}
	}
	for name, fg := range latest {
		if _, clash := findTable(fgs, name); clash {
			continue // a table called <name> wins over the latest version
		}
		for _, s := range schemas {
			stmt := fmt.Sprintf("CREATE OR REPLACE VIEW %s.%s AS SELECT * FROM %s.%s", ident(s), ident(name), ident(s), ident(fg.TableName()))
			if err := d.Exec(ctx, stmt); err != nil {
				return err
			}
		}
	}
	return nil
}

// selectList returns the select list of a feature group's view: its
// columns, with timestamps, which the Parquet files mark as adjusted to UTC,
// read as TIMESTAMP (UTC wall-clock time, as hopsql reads them) rather than
// TIMESTAMP WITH TIME ZONE.
func (d *DB) selectList(ctx context.Context, glob string) (string, error) {
	rows, err := d.conn.QueryContext(ctx, "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet("+literal(glob)+"))")
	if err != nil {
		return "", fmt.Errorf("duckref: describing %s: %w", glob, err)
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return "", fmt.Errorf("duckref: describing %s: %w", glob, err)
		}
		if typ == "TIMESTAMP WITH TIME ZONE" {
			cols = append(cols, fmt.Sprintf("CAST(%s AS TIMESTAMP) AS %s", ident(name), ident(name)))
		} else {
			cols = append(cols, ident(name))
		}
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("duckref: describing %s: %w", glob, err)
	}
	return strings.Join(cols, ", "), nil
}

func findTable(fgs []*connector.FeatureGroup, table string) (*connector.FeatureGroup, bool) {
	for _, fg := range fgs {
		if fg.TableName() == table {
			return fg, true
		}
	}
	return nil, false
}

// Query runs query with project as the session's project: unqualified
// names are looked up in project's schema, then in the schemas of the
// stores shared with it.
func (d *DB) Query(ctx context.Context, project, query string) (*plantest.Result, error) {
	if err := d.use(ctx, project); err != nil {
		return nil, err
	}
	rows, err := d.conn.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("duckref: %w", err)
	}
	defer rows.Close()
	return Scan(rows)
}

// use sets the search_path of a session of project, unless it is set:
// project's schema, then the schemas of the stores shared with it.
func (d *DB) use(ctx context.Context, project string) error {
	path := strings.Join(append([]string{project}, d.shared[project]...), ",")
	if path == d.path {
		return nil
	}
	if err := d.Exec(ctx, "SET search_path = "+literal(path)); err != nil {
		return err
	}
	d.path = path
	return nil
}

// Scan reads rows into a canonical result.
func Scan(rows *sql.Rows) (*plantest.Result, error) {
	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, fmt.Errorf("duckref: %w", err)
	}
	res := &plantest.Result{}
	for _, t := range types {
		res.Columns = append(res.Columns, plantest.Column{Name: t.Name(), Type: t.DatabaseTypeName()})
	}
	vals := make([]any, len(types))
	ptrs := make([]any, len(types))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("duckref: %w", err)
		}
		row := make([]plantest.Value, len(vals))
		for i, v := range vals {
			if row[i], err = value(v, res.Columns[i].Type); err != nil {
				return nil, fmt.Errorf("duckref: column %s: %w", res.Columns[i].Name, err)
			}
		}
		res.Rows = append(res.Rows, row)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("duckref: %w", err)
	}
	return res, nil
}

// value returns the canonical text of a value the driver scanned.
func value(v any, typ string) (plantest.Value, error) {
	switch v := v.(type) {
	case nil:
		return plantest.NullValue, nil
	case int8:
		return plantest.Text(plantest.FormatInt(int64(v))), nil
	case int16:
		return plantest.Text(plantest.FormatInt(int64(v))), nil
	case int32:
		return plantest.Text(plantest.FormatInt(int64(v))), nil
	case int64:
		return plantest.Text(plantest.FormatInt(v)), nil
	case uint8:
		return plantest.Text(plantest.FormatInt(int64(v))), nil
	case uint16:
		return plantest.Text(plantest.FormatInt(int64(v))), nil
	case uint32:
		return plantest.Text(plantest.FormatInt(int64(v))), nil
	case uint64:
		return plantest.Text(new(big.Int).SetUint64(v).String()), nil
	case *big.Int:
		return plantest.Text(v.String()), nil
	case float32:
		return plantest.Text(plantest.FormatFloat(float64(v))), nil
	case float64:
		return plantest.Text(plantest.FormatFloat(v)), nil
	case duckdb.Decimal:
		return plantest.Text(plantest.FormatDecimal(v.Value, int(v.Scale))), nil
	case bool:
		return plantest.Text(plantest.FormatBool(v)), nil
	case string:
		return plantest.Text(v), nil
	case time.Time:
		if typ == "DATE" {
			return plantest.Text(plantest.FormatDate(v)), nil
		}
		if strings.HasPrefix(typ, "TIMESTAMP") {
			return plantest.Text(plantest.FormatTimestamp(v)), nil
		}
	}
	return plantest.Value{}, fmt.Errorf("a %T value of type %s has no canonical form; cast it in the query", v, typ)
}

func ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func literal(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
