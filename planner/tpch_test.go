package planner

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/catalog"
	"github.com/hopsql/hopsql/connector/local"
	"github.com/hopsql/hopsql/planner/plantest"
)

// tpchSingleRow lists the TPC-H queries that aggregate without GROUP BY:
// over empty tables they answer one row of NULLs, the others no rows.
var tpchSingleRow = map[string]bool{"q06": true, "q14": true, "q17": true, "q19": true}

// TestTPCHPlans checks that every TPC-H query parses, binds, plans and runs
// over a tpch store whose feature groups have the schema bench/cmd/tpchgen
// writes (testdata/tpch/schema.json) but no rows, and gives the answer of
// empty tables in the shape of DuckDB's answer at SF1. Queries hopsql cannot
// plan or run yet are listed in testdata/tpch/PENDING; bench/cmd/tpchcheck
// compares the answers at scale factor 1.
func TestTPCHPlans(t *testing.T) {
	dir := filepath.Join("testdata", "tpch")
	store := tpchEmptyStore(t, filepath.Join(dir, "schema.json"))
	pending := corpusPending(t, filepath.Join(dir, "PENDING"))
	names := map[string]bool{}
	for n := 1; n <= 22; n++ {
		name := fmt.Sprintf("q%02d", n)
		names[name] = true
		t.Run(name, func(t *testing.T) {
			text, err := os.ReadFile(filepath.Join(dir, name+".sql"))
			require.NoError(t, err)
			q, err := plantest.ParseQuery(string(text))
			require.NoError(t, err)
			require.Equal(t, "tpch", q.Project)
			atSF1 := corpusReadExpected(t, filepath.Join(dir, name+".expected"))

			got, runErr := corpusRun(t, tpchPlanner(t, store), q.SQL)
			// The answer over empty tables: no rows, or one row of NULLs
			// for an aggregate without GROUP BY.
			want := &plantest.Result{Columns: atSF1.Columns}
			if tpchSingleRow[name] {
				row := make([]plantest.Value, len(atSF1.Columns))
				for i := range row {
					row[i] = plantest.NullValue
				}
				want.Rows = [][]plantest.Value{row}
			}
			corpusJudge(t, q, want, got, runErr, pending[name])
		})
	}
	for name := range pending {
		if !names[name] {
			t.Errorf("PENDING lists %s, which is not a TPC-H query", name)
		}
	}
}

// tpchEmptyStore writes a store with project tpch whose feature groups
// have featuregroup.json files and no Parquet files.
func tpchEmptyStore(t *testing.T, schemaPath string) string {
	t.Helper()
	b, err := os.ReadFile(schemaPath)
	require.NoError(t, err)
	var fgs []local.FeatureGroupFile
	require.NoError(t, json.Unmarshal(b, &fgs))
	require.Len(t, fgs, 8)
	dir := t.TempDir()
	require.NoError(t, local.WriteProject(dir, local.ProjectFile{Name: "tpch"}))
	for _, fg := range fgs {
		w, err := local.CreateFeatureGroup(filepath.Join(dir, "tpch"), fg)
		require.NoError(t, err)
		require.NoError(t, w.Close())
	}
	files, err := filepath.Glob(filepath.Join(dir, "tpch", "*", "*.parquet"))
	require.NoError(t, err)
	assert.Empty(t, files)
	return dir
}

func tpchPlanner(t *testing.T, store string) *Planner {
	t.Helper()
	wh, err := local.Open(store)
	require.NoError(t, err)
	cat, err := catalog.New(context.Background(), wh, "tpch")
	require.NoError(t, err)
	return New(cat)
}
