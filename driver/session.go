package driver

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/apache/arrow/go/v15/arrow"

	"github.com/hopsql/hopsql/connector"
	"github.com/hopsql/hopsql/connector/local/demo"
	"github.com/hopsql/hopsql/engine"
	"github.com/hopsql/hopsql/planner"
)

// Progress counts what a running query has read so far. Attach one to a
// query's context with WithProgress; it is safe to read from another
// goroutine while the query runs, as a progress display does.
type Progress struct {
	p engine.Progress
}

// RowsRead returns the number of rows the query has read from its stores.
func (p *Progress) RowsRead() int64 { return p.p.Rows() }

// BytesRead returns the in-memory (Arrow) size of what the query has read
// from its stores.
func (p *Progress) BytesRead() int64 { return p.p.Bytes() }

type progressKey struct{}

// WithProgress returns a context that makes queries started with it, through
// database/sql or QueryArrow, count what they read into p.
func WithProgress(ctx context.Context, p *Progress) context.Context {
	return context.WithValue(ctx, progressKey{}, p)
}

func progressFrom(ctx context.Context) *engine.Progress {
	if p, ok := ctx.Value(progressKey{}).(*Progress); ok && p != nil {
		return &p.p
	}
	return nil
}

// Statement is one statement of a script, as SplitStatements finds it.
type Statement = planner.Statement

// SplitStatements splits a script at the semicolons that end statements,
// ignoring those inside strings, quoted names and comments, as hopsql
// reads them. It fails on an unterminated string, quoted name or comment.
func SplitStatements(script string) ([]Statement, error) {
	return planner.SplitStatements(script)
}

// Complete reports whether script ends with a complete statement (its last
// statement is terminated by a semicolon), as a line editor asks before
// running what was typed.
func Complete(script string) bool { return planner.Complete(script) }

// TypeName returns the Hopsworks offline type name of an Arrow type as
// hopsql's results use them ("bigint", "decimal(12,2)", "array<string>"),
// or the Arrow type's own name when Hopsworks has no name for it.
func TypeName(t arrow.DataType) string {
	name, err := connector.TypeName(t)
	if err != nil {
		return t.String()
	}
	return name
}

// DefaultDemoScale is the scale of the demo store a demo: DSN opens.
const DefaultDemoScale = demo.DefaultScale

// GenerateDemo writes the demo store, three projects with bank shared to
// fraud, at scale (1 = 100,000 transactions) into dir, which must not
// hold a store already.
func GenerateDemo(ctx context.Context, dir string, scale int) error {
	return demo.Generate(ctx, dir, scale)
}

// DemoCacheDir returns where the demo store of a scale is cached: a
// directory under os.UserCacheDir.
func DemoCacheDir(scale int) (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("hopsql: no user cache directory for the demo store (%w); generate one with 'hopsql demo --dir DIR' and use file:///DIR", err)
	}
	return filepath.Join(base, "hopsql", fmt.Sprintf("demo-scale%d", scale)), nil
}

// ErrorPosition returns where in its statement err (or an error it wraps)
// is located, 1-based, when hopsql knows: syntax errors, and unknown names
// and mismatched types found while planning.
func ErrorPosition(err error) (line, column int, ok bool) {
	var se *planner.SyntaxError
	if errors.As(err, &se) && se.Line > 0 {
		return se.Line, se.Column, true
	}
	var pe *planner.Error
	if errors.As(err, &pe) && pe.Line > 0 {
		return pe.Line, pe.Column, true
	}
	return 0, 0, false
}
