package driver

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math"
	"reflect"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/hopsql/hopsql/engine"
	"github.com/hopsql/hopsql/planner"
)

// conn is a session. database/sql never uses a conn from two goroutines at
// once.
type conn struct {
	c           *Connector
	memoryLimit int64 // SET memory_limit
	// joinPushdown lets sources run joins of their feature groups (SET
	// join_pushdown).
	joinPushdown bool
	closed       bool
}

// joinPushdownOn reports whether a setting lets sources run joins.
func joinPushdownOn(s JoinPushdown) bool { return s != JoinPushdownOff }

// planner returns the connector's planner with the session's settings.
func (c *conn) planner() *planner.Planner { return c.c.planner.WithJoinPushdown(c.joinPushdown) }

var (
	_ driver.QueryerContext     = (*conn)(nil)
	_ driver.ExecerContext      = (*conn)(nil)
	_ driver.ConnPrepareContext = (*conn)(nil)
	_ driver.ConnBeginTx        = (*conn)(nil)
	_ driver.NamedValueChecker  = (*conn)(nil)
	_ driver.Pinger             = (*conn)(nil)
	_ driver.SessionResetter    = (*conn)(nil)
	_ driver.Validator          = (*conn)(nil)
)

// run plans and starts query, returning the engine's reader.
func (c *conn) run(ctx context.Context, mem memory.Allocator, query string, args []any) (array.RecordReader, error) {
	if c.closed {
		return nil, driver.ErrBadConn
	}
	if kw := Keyword(query); dataChanging[kw] {
		return nil, fmt.Errorf("hopsql: %s: %w", kw, ErrReadOnly)
	}
	plan, err := c.planner().Plan(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return c.start(ctx, mem, plan)
}

// start runs a plan with the connection's allocator and memory limit.
func (c *conn) start(ctx context.Context, mem memory.Allocator, plan *planner.Plan) (array.RecordReader, error) {
	if mem == nil {
		mem = c.c.cfg.Mem
	}
	return plan.Run(ctx, &engine.Exec{Mem: mem, MemoryLimit: c.memoryLimit, Progress: progressFrom(ctx)})
}

// QueryContext runs one statement with ? placeholders bound to args.
func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	vals, err := positional(args)
	if err != nil {
		return nil, err
	}
	ctx, cancel := c.withQueryTimeout(ctx)
	rr, err := c.run(ctx, nil, query, vals)
	if err != nil {
		cancel()
		return nil, err
	}
	return newRows(rr, cancel), nil
}

func (c *conn) withQueryTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if d := c.c.cfg.QueryTimeout; d > 0 {
		return context.WithTimeout(ctx, d)
	}
	return ctx, func() {}
}

// ExecContext runs SET statements, and queries for their errors only.
func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if c.closed {
		return nil, driver.ErrBadConn
	}
	if Keyword(query) == "SET" {
		if len(args) > 0 {
			return nil, fmt.Errorf("hopsql: SET takes no arguments")
		}
		return driver.RowsAffected(0), c.set(query)
	}
	return drain(c.QueryContext(ctx, query, args))
}

// drain runs a query's rows to the end, for Exec.
func drain(rows driver.Rows, err error) (driver.Result, error) {
	if err != nil {
		return nil, err
	}
	r := rows.(*resultRows)
	defer r.Close()
	for r.rr.Next() {
	}
	if err := r.rr.Err(); err != nil {
		return nil, err
	}
	return driver.RowsAffected(0), nil
}

// set runs SET name = value.
func (c *conn) set(query string) error {
	s := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(query), ";"))
	s = strings.TrimSpace(s[len("SET"):])
	name, value, ok := strings.Cut(s, "=")
	if !ok {
		f := strings.Fields(s)
		if len(f) != 3 || !strings.EqualFold(f[1], "TO") {
			return fmt.Errorf("hopsql: SET: use SET name = value")
		}
		name, value = f[0], f[2]
	}
	name = strings.ToLower(strings.TrimSpace(name))
	value = strings.TrimSpace(value)
	if len(value) >= 2 && value[0] == '\'' && value[len(value)-1] == '\'' {
		value = value[1 : len(value)-1]
	}
	switch name {
	case optMemoryLimit:
		if strings.EqualFold(value, "DEFAULT") {
			c.memoryLimit = c.c.cfg.MemoryLimit
			return nil
		}
		n, err := parseSize(value)
		if err != nil {
			return fmt.Errorf("hopsql: SET memory_limit: %w", err)
		}
		c.memoryLimit = n
		return nil
	case optJoinPushdown:
		switch v := JoinPushdown(strings.ToLower(value)); v {
		case "default":
			c.joinPushdown = joinPushdownOn(c.c.cfg.JoinPushdown)
		case JoinPushdownAuto, JoinPushdownOff:
			c.joinPushdown = joinPushdownOn(v)
		default:
			return fmt.Errorf("hopsql: SET join_pushdown: %q is not auto, off or DEFAULT", value)
		}
		return nil
	default:
		return fmt.Errorf("hopsql: SET: unknown setting %q (settings: memory_limit, join_pushdown)", name)
	}
}

// PrepareContext reads the statement once (syntax errors are reported
// here) and plans it each time it runs, with that run's arguments: the
// values of the placeholders decide what scans can skip.
func (c *conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if c.closed {
		return nil, driver.ErrBadConn
	}
	kw := Keyword(query)
	if dataChanging[kw] {
		return nil, fmt.Errorf("hopsql: %s: %w", kw, ErrReadOnly)
	}
	if kw == "SET" {
		return &stmt{c: c, query: query}, nil
	}
	prep, err := c.planner().Prepare(ctx, query)
	if err != nil {
		return nil, err
	}
	return &stmt{c: c, query: query, prep: prep}, nil
}

// Prepare is PrepareContext without a context.
func (c *conn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

// BeginTx accepts read-only transactions, which change nothing and need no
// isolation, as no-ops.
func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if !opts.ReadOnly {
		return nil, fmt.Errorf("hopsql: only read-only transactions are supported (sql.TxOptions{ReadOnly: true}): %w", ErrReadOnly)
	}
	switch sql.IsolationLevel(opts.Isolation) {
	case sql.LevelDefault, sql.LevelReadUncommitted, sql.LevelReadCommitted:
	default:
		return nil, fmt.Errorf("hopsql: isolation level %v is not supported", sql.IsolationLevel(opts.Isolation))
	}
	return tx{}, nil
}

// Begin fails: database/sql's Begin asks for a read-write transaction.
func (c *conn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

// Close ends the session.
func (c *conn) Close() error {
	c.closed = true
	return nil
}

// Ping reports whether the session can still run queries.
func (c *conn) Ping(ctx context.Context) error {
	if c.closed {
		return driver.ErrBadConn
	}
	return ctx.Err()
}

// ResetSession restores the settings of the DSN before the connection is
// reused from the pool.
func (c *conn) ResetSession(ctx context.Context) error {
	if c.closed {
		return driver.ErrBadConn
	}
	c.memoryLimit = c.c.cfg.MemoryLimit
	c.joinPushdown = joinPushdownOn(c.c.cfg.JoinPushdown)
	return nil
}

// IsValid reports whether the connection may go back to the pool.
func (c *conn) IsValid() bool { return !c.closed }

// CheckNamedValue accepts nil, bool, string, []byte, time.Time and every
// integer and float kind (decimals go as strings), converting integers to
// int64 and floats to float64. Named arguments are rejected: use ?.
func (c *conn) CheckNamedValue(nv *driver.NamedValue) error {
	if nv.Name != "" {
		return fmt.Errorf("hopsql: argument %d: named arguments (%s) are not supported; use ? placeholders", nv.Ordinal, nv.Name)
	}
	v, err := convertArg(nv.Value)
	if err != nil {
		return fmt.Errorf("hopsql: argument %d: %w", nv.Ordinal, err)
	}
	nv.Value = v
	return nil
}

// convertArg converts an argument to the values the planner accepts. It
// returns driver.ErrSkip for driver.Valuer and pointers, which
// database/sql's default converter resolves.
func convertArg(v any) (any, error) {
	switch x := v.(type) {
	case nil, int64, float64, bool, string, []byte, time.Time:
		return v, nil
	case driver.Valuer:
		return nil, driver.ErrSkip
	case float32:
		return float64(x), nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		u := rv.Uint()
		if u > math.MaxInt64 {
			return nil, fmt.Errorf("%d is out of the range of BIGINT", u)
		}
		return int64(u), nil
	case reflect.Float32, reflect.Float64:
		return rv.Float(), nil
	case reflect.Bool:
		return rv.Bool(), nil
	case reflect.String:
		return rv.String(), nil
	case reflect.Pointer:
		return nil, driver.ErrSkip
	}
	return nil, fmt.Errorf("unsupported type %T (use integers, floats, bool, string, []byte, time.Time or nil)", v)
}

// positional returns the values of args, which CheckNamedValue has checked,
// in placeholder order.
func positional(args []driver.NamedValue) ([]any, error) {
	vals := make([]any, len(args))
	for _, a := range args {
		if a.Name != "" {
			return nil, fmt.Errorf("hopsql: named arguments (%s) are not supported; use ? placeholders", a.Name)
		}
		if a.Ordinal < 1 || a.Ordinal > len(args) {
			return nil, fmt.Errorf("hopsql: argument ordinal %d out of range", a.Ordinal)
		}
		vals[a.Ordinal-1] = a.Value
	}
	return vals, nil
}

// stmt is a prepared statement: read once, planned on each run. SET
// statements have no prep and run as Exec does.
type stmt struct {
	c     *conn
	query string
	prep  *planner.Prepared
}

func (s *stmt) Close() error { return nil }

// NumInput is the number of ? placeholders, or -1 for SET statements.
func (s *stmt) NumInput() int {
	if s.prep == nil {
		return -1
	}
	return s.prep.NumInput()
}

func (s *stmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.ExecContext(context.Background(), named(args))
}

func (s *stmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.QueryContext(context.Background(), named(args))
}

func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	if s.prep == nil {
		return s.c.ExecContext(ctx, s.query, args)
	}
	return drain(s.QueryContext(ctx, args))
}

func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	if s.prep == nil {
		return s.c.QueryContext(ctx, s.query, args)
	}
	if s.c.closed {
		return nil, driver.ErrBadConn
	}
	vals, err := positional(args)
	if err != nil {
		return nil, err
	}
	ctx, cancel := s.c.withQueryTimeout(ctx)
	// The session's settings as they are now, not as they were when the
	// statement was prepared.
	plan, err := s.prep.WithJoinPushdown(s.c.joinPushdown).Plan(ctx, vals...)
	if err != nil {
		cancel()
		return nil, err
	}
	rr, err := s.c.start(ctx, nil, plan)
	if err != nil {
		cancel()
		return nil, err
	}
	return newRows(rr, cancel), nil
}

func named(args []driver.Value) []driver.NamedValue {
	nv := make([]driver.NamedValue, len(args))
	for i, a := range args {
		nv[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	return nv
}

// tx is a read-only transaction: there is nothing to commit or undo.
type tx struct{}

func (tx) Commit() error   { return nil }
func (tx) Rollback() error { return nil }

// dataChanging lists the leading keywords of statements that change data.
var dataChanging = map[string]bool{
	"INSERT": true, "UPDATE": true, "DELETE": true, "MERGE": true, "UPSERT": true,
	"REPLACE": true, "CREATE": true, "DROP": true, "ALTER": true, "TRUNCATE": true,
	"GRANT": true, "REVOKE": true, "COPY": true, "LOAD": true, "RENAME": true,
}

// Keyword returns the first keyword of a statement in upper case
// ("SELECT", "EXPLAIN", "SET"), skipping blanks, comments and opening
// parentheses, for clients that treat statements differently by kind.
func Keyword(q string) string {
	for {
		q = strings.TrimLeft(q, " \t\r\n(")
		switch {
		case strings.HasPrefix(q, "--"):
			_, q, _ = strings.Cut(q, "\n")
		case strings.HasPrefix(q, "/*"):
			_, q, _ = strings.Cut(q[2:], "*/")
		default:
			end := strings.IndexFunc(q, func(r rune) bool {
				return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_')
			})
			if end < 0 {
				end = len(q)
			}
			return strings.ToUpper(q[:end])
		}
	}
}
