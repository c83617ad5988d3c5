package hopsworks

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector"
	"github.com/hopsql/hopsql/connector/local/localtest"
)

// flightStatser is what EXPLAIN ANALYZE reads from a Hopsworks scan.
type flightStatser interface {
	Stats() (rows, bytes int64, firstBatch time.Duration)
}

// TestJoinPushdownMovesOnlyTheResult measures, for the 2- and 3-way joins
// with selective filters, what crosses Flight with the join pushed down
// and what a client joining locally would read: each feature group
// separately, with its own filters, the columns the result needs and the
// join keys. Pushed down, the bytes are within 5% of the result's own
// size (its Arrow buffers).
func TestJoinPushdownMovesOnlyTheResult(t *testing.T) {
	srv := startServer(t)
	c := connect(t, srv, "fraud", "fraud_user")
	ctx := context.Background()
	for _, jc := range joinCases(t)[:2] {
		t.Run(jc.name, func(t *testing.T) {
			req := jc.request(t, c)
			s, err := c.PlanJoin(ctx, req)
			require.NoError(t, err)
			got, size := readJoin(t, s)
			require.NotEmpty(t, got)
			assert.Equal(t, localtest.Sorted(jc.oracle(t)), localtest.Sorted(got))
			rows, bytes, first := s.(flightStatser).Stats()
			assert.Equal(t, int64(len(got)), rows)
			assert.Positive(t, first)
			assert.LessOrEqual(t, float64(bytes), 1.05*float64(size), "pushed down, Flight carries the result and little else")
			assert.GreaterOrEqual(t, bytes, size)

			var localRows, localBytes int64
			for i, in := range req.Inputs {
				cols := slices.Clone(in.Columns)
				for j, st := range req.Steps {
					for _, k := range st.Keys {
						switch {
						case i == 0 && !slices.Contains(cols, k.LeftFeature):
							cols = append(cols, k.LeftFeature)
						case i == j+1 && !slices.Contains(cols, k.RightFeature):
							cols = append(cols, k.RightFeature)
						}
					}
				}
				scan, err := c.PlanScan(ctx, in.FeatureGroup, connector.ScanRequest{Columns: cols, Filter: in.Filter})
				require.NoError(t, err)
				readJoin(t, scan)
				r, b, _ := scan.(flightStatser).Stats()
				t.Logf("  local join reads %s (%d columns): %d rows, %d bytes", in.FeatureGroup.QualifiedName(), len(cols), r, b)
				localRows += r
				localBytes += b
			}
			t.Logf("%s: result %d rows, %d bytes of Arrow buffers; pushed down: %d rows, %d bytes over Flight (%.1f%% of the result), first batch after %v; joined locally: %d rows, %d bytes over Flight (%.1fx)",
				jc.name, len(got), size, rows, bytes, 100*float64(bytes)/float64(size), first.Round(time.Millisecond),
				localRows, localBytes, float64(localBytes)/float64(bytes))
			assert.Greater(t, localBytes, bytes, "a local join moves more")
		})
	}
}
