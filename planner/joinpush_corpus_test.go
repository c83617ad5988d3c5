package planner

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/planner/plantest"
)

// TestCorpusWithJoinPushdown runs the differential corpus over sources that
// run joins themselves: the answers must be DuckDB's, as without pushdown.
func TestCorpusWithJoinPushdown(t *testing.T) {
	dir := filepath.Join("testdata", "corpus")
	files, err := filepath.Glob(filepath.Join(dir, "*.sql"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	pending := corpusPending(t, filepath.Join(dir, "PENDING"))
	for _, pc := range []struct {
		name   string
		policy joinPolicy
	}{{"takes all", acceptAll}, {"Hopsworks-like", hopsworksLike}} {
		taken := 0
		t.Run(pc.name, func(t *testing.T) {
			for _, path := range files {
				name := strings.TrimSuffix(filepath.Base(path), ".sql")
				t.Run(name, func(t *testing.T) {
					text, err := os.ReadFile(path)
					require.NoError(t, err)
					q, err := plantest.ParseQuery(string(text))
					require.NoError(t, err)
					want := corpusReadExpected(t, filepath.Join(dir, name+".expected"))
					p, src := pushPlanner(t, q.Project, pc.policy)
					got, runErr := corpusRun(t, p, q.SQL)
					corpusJudge(t, q, want, got, runErr, pending[name])
					taken += src.Taken()
				})
			}
		})
		// The corpus has joins a source can take: they must have been
		// pushed for the comparison to mean anything.
		t.Logf("%s: %d offers taken", pc.name, taken)
		assert.GreaterOrEqual(t, taken, 10, pc.name)
	}
}
