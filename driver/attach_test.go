package driver

import (
	"database/sql"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector/local"
	"github.com/hopsql/hopsql/connector/local/localtest"
)

// labelsStore writes an embedded store with project "labels" holding
// fraud_labels_1: a label for every transaction whose id is a multiple of
// 7, one in three of them marked fraud.
func labelsStore(t *testing.T) (dir string, labels map[int64]bool) {
	t.Helper()
	dir = t.TempDir()
	require.NoError(t, local.WriteProject(dir, local.ProjectFile{Name: "labels"}))
	w, err := local.CreateFeatureGroup(filepath.Join(dir, "labels"), local.FeatureGroupFile{
		Name: "fraud_labels", Version: 1, Description: "Analyst labels", PrimaryKey: []string{"tx_id"},
		Features: []local.FeatureFile{{Name: "tx_id", Type: "bigint"}, {Name: "label", Type: "boolean"}},
	})
	require.NoError(t, err)
	ids := array.NewInt64Builder(memory.DefaultAllocator)
	marks := array.NewBooleanBuilder(memory.DefaultAllocator)
	labels = map[int64]bool{}
	for id := int64(7); id <= 100000; id += 7 {
		ids.Append(id)
		marks.Append(id%3 == 0)
		labels[id] = id%3 == 0
	}
	idArr, markArr := ids.NewArray(), marks.NewArray()
	defer idArr.Release()
	defer markArr.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "tx_id", Type: arrow.PrimitiveTypes.Int64, Nullable: true}, {Name: "label", Type: arrow.FixedWidthTypes.Boolean, Nullable: true}}, nil)
	rec := array.NewRecord(schema, []arrow.Array{idArr, markArr}, int64(idArr.Len()))
	defer rec.Release()
	require.NoError(t, w.Write(rec))
	require.NoError(t, w.Close())
	return dir, labels
}

// TestAttachedEmbeddedStoreJoinsWithHopsworks joins a Hopsworks feature
// group (over the test server) with one of an attached embedded store.
func TestAttachedEmbeddedStoreJoinsWithHopsworks(t *testing.T) {
	labelsDir, labels := labelsStore(t)
	dsn, _, _ := hopsworksDSN(t, "")
	db, err := sql.Open("hopsql", dsn+"&attach="+url.QueryEscape(labelsDir))
	require.NoError(t, err)
	defer db.Close()

	// The stores: the project's, the shared one, and the attached one.
	stores := queryStrings(t, db, "SELECT schema_name FROM information_schema.schemata ORDER BY schema_name")
	assert.Equal(t, [][]string{{"bank_featurestore"}, {"fraud_featurestore"}, {"labels_featurestore"}}, stores)

	txs := localtest.Index(localtest.ReadTable(t, warehouse, "fraud", "transactions_1"), "tx_id")
	var wantFraud, wantLabelled int64
	for id, isFraud := range labels {
		if _, ok := txs[id]; !ok {
			continue
		}
		wantLabelled++
		if isFraud {
			wantFraud++
		}
	}
	got := queryStrings(t, db, `SELECT count(*), sum(CASE WHEN l.label THEN 1 ELSE 0 END)
		FROM transactions_1 t JOIN labels::fraud_labels_1 l ON t.tx_id = l.tx_id`)
	assert.Equal(t, [][]string{{fmt.Sprint(wantLabelled), fmt.Sprint(wantFraud)}}, got)

	// The plan reads each side from its own source.
	plan := strings.Join(flatten(queryStrings(t, db, "EXPLAIN SELECT t.amount FROM transactions_1 t JOIN labels::fraud_labels_1 l ON t.tx_id = l.tx_id WHERE l.label")), "\n")
	assert.Contains(t, plan, "Scan labels::fraud_labels_1")
	assert.Contains(t, plan, "Hopsworks feature group: fraud::transactions_1")

	// A name clash with a store the session reads is refused.
	clash := t.TempDir()
	require.NoError(t, local.WriteProject(clash, local.ProjectFile{Name: "bank"}))
	_, err = sql.Open("hopsql", dsn+"&attach="+url.QueryEscape(clash))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"bank"`)
}

func flatten(rows [][]string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}
