package hopsworks

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/hopsql/hopsql/connector"
)

// PlanScan plans a read of fg through the Hopsworks Query Service. It
// translates the request into the Hopsworks query model (the requested
// features, and the filter conjuncts the model can express) and sends it
// to the query constructor (PUT /project/{id}/featurestores/query), which
// returns the SQL and, on backends of version 4.7 and later, the signed
// Flight payload; for older backends the client builds the payload from
// the SQL. It also finds the Query Service, the first time. It reads no
// rows: the scan's single partition streams them over Arrow Flight.
//
// A request for no columns (a row count) reads the narrowest feature and
// drops it. External feature groups are not readable: their errors wrap
// errors.ErrUnsupported.
func (c *Client) PlanScan(ctx context.Context, fg *connector.FeatureGroup, req connector.ScanRequest) (connector.Scan, error) {
	if fg == nil {
		return nil, errors.New("hopsworks: PlanScan of a nil feature group")
	}
	g, err := c.group(ctx, fg)
	if err != nil {
		return nil, err
	}
	if err := checkReadable(g); err != nil {
		return nil, err
	}
	out, err := requestedFeatures(g.fg, req.Columns)
	if err != nil {
		return nil, err
	}
	read := out
	if len(read) == 0 {
		read = []connector.Feature{narrowest(g.fg.Features)}
	}
	st, err := c.readableStore(ctx, fg.Project)
	if err != nil {
		return nil, err
	}
	filter := translateFilter(g.fg, req.Filter)
	q := newQuery(g, st, read, filter, req.Limit)
	res, err := c.constructQuery(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("hopsworks: constructing the query of %s: %w", fg.QualifiedName(), err)
	}
	ep, err := c.hqsEndpoint(ctx)
	if err != nil {
		return nil, err
	}
	s := &scan{schema: connector.FeatureSchema(out), stats: new(flightStats)}
	p := &partition{c: c, limit: req.Limit, stats: s.stats}
	p.cols = func(wire *arrow.Schema) (*columnPlan, error) { return planColumns(wire, read, out) }
	p.cmd.name = fg.QualifiedName()
	generation := generationD
	if res.HQSPayload != "" {
		p.cmd.cmd, p.cmd.signature = []byte(res.HQSPayload), res.HQSPayloadSignature
	} else {
		generation = generationC
		if p.cmd.cmd, err = clientPayload(g, q.FeatureStoreName, res, filter); err != nil {
			return nil, err
		}
	}
	s.parts = []connector.Partition{p}
	s.explain = explainScan(g, read, out, filter, req, generation, res, ep)
	return s, nil
}

// requestedFeatures looks up the requested columns among fg's features.
func requestedFeatures(fg *connector.FeatureGroup, columns []string) ([]connector.Feature, error) {
	out := make([]connector.Feature, len(columns))
	for i, col := range columns {
		f, ok := fg.Feature(strings.ToLower(col))
		if !ok {
			return nil, fmt.Errorf("hopsworks: feature group %s has no feature %q: %w", fg.QualifiedName(), col, connector.ErrNotFound)
		}
		out[i] = f
	}
	return out, nil
}

// narrowest returns the feature whose values take the fewest bytes, the
// first of those, for reads that only count rows. features is not empty.
func narrowest(features []connector.Feature) connector.Feature {
	best := features[0]
	for _, f := range features[1:] {
		if width(f.DataType) < width(best.DataType) {
			best = f
		}
	}
	return best
}

// width ranks an Arrow type by the bytes a value takes on the wire;
// variable-width and nested types come last.
func width(t arrow.DataType) int {
	if t, ok := t.(arrow.FixedWidthDataType); ok {
		if t.ID() == arrow.BOOL {
			return 0
		}
		return t.BitWidth()
	}
	return 1 << 20
}

// explainScan describes a planned scan for EXPLAIN, one fact per line.
// It names no secret: neither the API key nor any certificate material,
// nor the payload (a signed one is opaque).
func explainScan(g *groupInfo, read, out []connector.Feature, filter *filterNode, req connector.ScanRequest, generation string, res *fsQueryDTO, ep *hqsEndpoint) []string {
	lines := []string{"Hopsworks feature group: " + describeGroup(g)}
	if len(out) == 0 {
		lines = append(lines, fmt.Sprintf("features read: %s, the narrowest, for the row count only", read[0].Name))
	} else {
		lines = append(lines, "features read: "+featureNames(read))
	}
	sent := "none"
	if filter != nil {
		sent = filter.String()
	}
	lines = append(lines, "filter sent to Hopsworks: "+sent)
	if req.Limit > 0 {
		lines = append(lines, fmt.Sprintf("limit: %d (sent to Hopsworks and applied while reading)", req.Limit))
	}
	if generation == generationD {
		lines = append(lines, "Flight payload: generation D, built and signed by the backend (hqsPayload)")
	} else {
		lines = append(lines, "Flight payload: generation C, built by hopsql from the query constructor's SQL")
	}
	if sql := strings.Join(strings.Fields(res.sql()), " "); sql != "" {
		lines = append(lines, "query constructor SQL: "+sql)
	}
	return append(lines,
		fmt.Sprintf("Hopsworks Query Service: %s (Arrow Flight, mutual TLS, server name %s)", ep.addr, ep.serverName),
		"partitions: 1 (the Query Service serves a query as one stream)",
	)
}

// describeGroup names a feature group for EXPLAIN, with its id, kind and
// table format.
func describeGroup(g *groupInfo) string {
	kind := g.kind
	if g.dto.TimeTravelFormat != "" {
		kind += ", " + strings.ToUpper(g.dto.TimeTravelFormat)
	}
	return fmt.Sprintf("%s (id %d, %s)", g.fg.QualifiedName(), g.dto.ID, kind)
}

// scan implements connector.Scan.
type scan struct {
	schema  *arrow.Schema
	parts   []connector.Partition
	explain []string
	stats   *flightStats
}

func (s *scan) Schema() *arrow.Schema             { return s.schema }
func (s *scan) Partitions() []connector.Partition { return s.parts }
func (s *scan) Explain() []string                 { return s.explain }

// Stats reports what the scan's reads have received from the Hopsworks
// Query Service so far, for EXPLAIN ANALYZE: the rows and the bytes of the
// Flight messages (Arrow IPC metadata and bodies), summed over every read,
// and the time from the start of the first read that brought rows
// (GetFlightInfo and DoGet included) to its first batch, 0 until then.
func (s *scan) Stats() (rows, bytes int64, firstBatch time.Duration) { return s.stats.snapshot() }

// partition is the whole of a scan: one Query Service stream.
type partition struct {
	c     *Client
	cmd   flightCommand
	cols  columnsFunc // the columns the partition yields, from the wire's
	limit int64
	stats *flightStats
}

// Open starts the stream. Batches come as the Query Service sends them,
// converted to the scan's schema.
func (p *partition) Open(ctx context.Context, mem memory.Allocator) (array.RecordReader, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	return p.c.readHQS(ctx, mem, &p.cmd, p.cols, p.limit, p.stats)
}
