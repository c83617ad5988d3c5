package planner

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/apache/arrow/go/v15/arrow"

	"github.com/hopsql/hopsql/engine"
)

// lowerRemoteJoin reads a join a source took as a scan of its partitions.
func (p *physicalBuilder) lowerRemoteJoin(n *RemoteJoinNode) (lowered, error) {
	schema := n.Scan.Schema()
	if schema.NumFields() != len(n.Cols) {
		return lowered{}, fmt.Errorf("planner: the join %s yields %d columns, want %d", n.Request, schema.NumFields(), len(n.Cols))
	}
	for i, c := range n.Cols {
		if t := schema.Field(i).Type; !arrow.TypeEqual(t, c.Type) {
			return lowered{}, fmt.Errorf("planner: the join %s yields %s as column %d, want %s for %s", n.Request, t, i+1, c.Type, c)
		}
	}
	parts := n.Scan.Partitions()
	eparts := make([]engine.Partition, len(parts))
	for i, part := range parts {
		eparts[i] = part
	}
	names := make([]string, len(n.Scans))
	for i, s := range n.Scans {
		names[i] = scanName(s)
	}
	cols := make([]string, len(n.Cols))
	for i, c := range n.Cols {
		cols[i] = c.String()
	}
	col := "columns: " + strings.Join(cols, ", ")
	if len(cols) == 0 {
		col = "columns: none (row count only)"
	}
	details := append([]string{"request: " + n.Request.String(), col}, n.Scan.Explain()...)
	op := &remoteScan{Scan: &engine.Scan{Table: strings.Join(names, ", "), Details: details, Out: schema, Parts: eparts}}
	return p.wrap(lowered{op: op, cols: n.Cols}), nil
}

// remoteScan reads the result of a join that a source runs. It is a scan
// that EXPLAIN shows as RemoteJoin, with the bytes it received once it has
// run (EXPLAIN ANALYZE).
type remoteScan struct {
	*engine.Scan
	// bytes counts the Arrow buffers received, over every run.
	bytes atomic.Int64
}

// Open implements engine.Operator.
func (s *remoteScan) Open(ctx context.Context, x *engine.Exec) (engine.Stream, error) {
	st, err := s.Scan.Open(ctx, x)
	if err != nil {
		return nil, err
	}
	return &countingStream{Stream: st, bytes: &s.bytes}, nil
}

// Describe implements engine.Operator.
func (s *remoteScan) Describe() string { return "RemoteJoin " + s.Table }

// describe returns the scan's line and details for EXPLAIN.
func (s *remoteScan) describe() (string, []string) {
	details := s.Details
	if b := s.bytes.Load(); b > 0 {
		details = append(details[:len(details):len(details)], fmt.Sprintf("received: %d bytes of Arrow buffers", b))
	}
	return "RemoteJoin " + s.Table, details
}

// countingStream adds the size of each batch it passes to bytes.
type countingStream struct {
	engine.Stream
	bytes *atomic.Int64
}

func (c *countingStream) Next() (arrow.Record, error) {
	rec, err := c.Stream.Next()
	if err == nil {
		c.bytes.Add(engine.RecordSize(rec))
	}
	return rec, err
}
