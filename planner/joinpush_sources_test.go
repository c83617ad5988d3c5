package planner

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/catalog"
	"github.com/hopsql/hopsql/connector/local"
	"github.com/hopsql/hopsql/connector/local/localtest"
)

// labelsWarehouse writes an embedded store with project "labels" holding
// fraud_labels_1: a label for every transaction whose id is a multiple of
// 7.
func labelsWarehouse(t *testing.T) *local.Warehouse {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, local.WriteProject(dir, local.ProjectFile{Name: "labels"}))
	w, err := local.CreateFeatureGroup(filepath.Join(dir, "labels"), local.FeatureGroupFile{
		Name: "fraud_labels", Version: 1, PrimaryKey: []string{"tx_id"},
		Features: []local.FeatureFile{{Name: "tx_id", Type: "bigint"}, {Name: "label", Type: "boolean"}},
	})
	require.NoError(t, err)
	ids := array.NewInt64Builder(memory.DefaultAllocator)
	marks := array.NewBooleanBuilder(memory.DefaultAllocator)
	for id := int64(7); id <= 20000; id += 7 {
		ids.Append(id)
		marks.Append(id%3 == 0)
	}
	idArr, markArr := ids.NewArray(), marks.NewArray()
	defer idArr.Release()
	defer markArr.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "tx_id", Type: arrow.PrimitiveTypes.Int64, Nullable: true}, {Name: "label", Type: arrow.FixedWidthTypes.Boolean, Nullable: true}}, nil)
	rec := array.NewRecord(schema, []arrow.Array{idArr, markArr}, int64(idArr.Len()))
	defer rec.Release()
	require.NoError(t, w.Write(rec))
	require.NoError(t, w.Close())
	wh, err := local.Open(dir)
	require.NoError(t, err)
	return wh
}

// TestJoinPushdownAcrossSources joins feature groups of a source that runs
// joins with one of an attached embedded store: the first source's part
// of an inner join is pushed, and the rest joins in the engine.
func TestJoinPushdownAcrossSources(t *testing.T) {
	labels := labelsWarehouse(t)
	on, src := pushPlanner(t, "fraud", acceptAll, catalog.WithAttached(labels))
	wh, err := local.Open(demoWarehouse)
	require.NoError(t, err)
	cat, err := catalog.New(t.Context(), wh, "fraud", catalog.WithAttached(labels))
	require.NoError(t, err)
	off := New(cat)

	tests := []struct {
		name, sql string
		remote    []string // the remote joins' feature groups
	}{
		{
			"the labels first",
			"SELECT l.label, t.amount, c.segment FROM labels::fraud_labels_1 l JOIN transactions_1 t ON l.tx_id = t.tx_id JOIN bank::customers_1 c ON t.customer_id = c.customer_id WHERE c.age > 30",
			[]string{"fraud::transactions_1 AS t, bank::customers_1 AS c"},
		},
		{
			"the labels between the feature groups",
			"SELECT l.label, t.amount, c.segment FROM transactions_1 t JOIN labels::fraud_labels_1 l ON l.tx_id = t.tx_id JOIN bank::customers_1 c ON t.customer_id = c.customer_id WHERE l.label",
			[]string{"fraud::transactions_1 AS t, bank::customers_1 AS c"},
		},
		{
			"the feature groups around the labels",
			"SELECT l.label, t.amount, m.name, c.name, s.spend_7d FROM transactions_1 t JOIN bank::merchants_1 m ON t.merchant_id = m.merchant_id JOIN labels::fraud_labels_1 l ON l.tx_id = t.tx_id JOIN bank::customers_1 c ON t.customer_id = c.customer_id JOIN customer_spend_1 s ON s.customer_id = c.customer_id",
			[]string{"fraud::transactions_1 AS t, bank::merchants_1 AS m, bank::customers_1 AS c, fraud::customer_spend_1 AS s"},
		},
		{
			"two pieces the labels connect",
			"SELECT l.label, m.name, c.name FROM transactions_1 t JOIN bank::merchants_1 m ON t.merchant_id = m.merchant_id JOIN labels::fraud_labels_1 l ON l.tx_id = t.tx_id JOIN transactions_1 t2 ON t2.tx_id = l.tx_id JOIN bank::customers_1 c ON t2.customer_id = c.customer_id",
			[]string{"fraud::transactions_1 AS t, bank::merchants_1 AS m", "fraud::transactions_1 AS t2, bank::customers_1 AS c"},
		},
		{
			// Left joins keep their order: the labels are the spine.
			"left joins from the labels",
			"SELECT l.tx_id, t.amount, c.segment FROM labels::fraud_labels_1 l LEFT JOIN transactions_1 t ON l.tx_id = t.tx_id LEFT JOIN bank::customers_1 c ON t.customer_id = c.customer_id",
			nil,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := runRows(t, off, tc.sql)
			require.NotEmpty(t, want)
			assert.Equal(t, localtest.Sorted(want), localtest.Sorted(runRows(t, on, tc.sql)))
			text := explain(t, on, tc.sql)
			var got []string
			for _, line := range strings.Split(text, "\n") {
				if _, after, ok := strings.Cut(line, "RemoteJoin "); ok {
					got = append(got, after)
				}
			}
			assert.Equal(t, tc.remote, got, text)
			assert.Contains(t, text, "Scan labels::fraud_labels_1 AS l")
		})
	}
	assert.Positive(t, src.Taken())
}
