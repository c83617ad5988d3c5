package conformance_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/arrow/scalar"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector"
	"github.com/hopsql/hopsql/connector/hopsworks"
	"github.com/hopsql/hopsql/connector/hopsworks/hopsworkstest"
	"github.com/hopsql/hopsql/connector/local/localtest"
)

// joinSpec is a join the script reads with the Hopsworks client's query
// API and hopsql reads with the Go client's PlanJoin, from the same
// server: the right side's features joined to the left's on equally
// named features, each side filtered by at most one comparison.
type joinSpec struct {
	Left     joinSide `json:"left"`
	Right    joinSide `json:"right"`
	On       []string `json:"on"`
	JoinType string   `json:"join_type"` // "inner" or "left"
	Prefix   string   `json:"prefix"`
}

// joinSide is one side of a joinSpec.
type joinSide struct {
	Store    string      `json:"store"`
	Name     string      `json:"name"`
	Version  int         `json:"version"`
	Features []string    `json:"features"`
	Filter   *joinFilter `json:"filter"`
}

// joinFilter is "feature op value" with a bigint or string value.
type joinFilter struct {
	Feature string `json:"feature"`
	Op      string `json:"op"`
	Value   any    `json:"value"`
}

// joinResult is the DataFrame the script read for a join.
type joinResult struct {
	Columns []string
	Rows    [][]any
}

// joins are the joins the script reads: a selective one of the project's
// transactions with the shared store's customers, and a left join with
// the merchants that keeps the transactions without one.
var joins = []joinSpec{
	{
		Left: joinSide{Store: "fraud", Name: "transactions", Version: 1, Features: []string{"tx_id", "customer_id", "amount"},
			Filter: &joinFilter{Feature: "amount", Op: ">", Value: 500}},
		Right: joinSide{Store: "bank", Name: "customers", Version: 1, Features: []string{"customer_id", "name", "segment"},
			Filter: &joinFilter{Feature: "segment", Op: "==", Value: "business"}},
		On: []string{"customer_id"}, JoinType: "inner", Prefix: "c_",
	},
	{
		Left: joinSide{Store: "fraud", Name: "transactions", Version: 1, Features: []string{"tx_id", "merchant_id"},
			Filter: &joinFilter{Feature: "tx_id", Op: "<=", Value: 20000}},
		Right: joinSide{Store: "bank", Name: "merchants", Version: 1, Features: []string{"name", "category"}},
		On:    []string{"merchant_id"}, JoinType: "left", Prefix: "m_",
	},
}

// checkJoins reads each join with hopsql's Hopsworks client from srv and
// compares the rows with those the script read.
func checkJoins(t *testing.T, srv *hopsworkstest.Server, specs []joinSpec, got []joinResult) {
	t.Helper()
	require.Len(t, got, len(specs))
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	require.NoError(t, os.WriteFile(ca, srv.CACertPEM(), 0o600))
	c, err := hopsworks.Connect(context.Background(), hopsworks.Options{
		Host: srv.Host(), Port: srv.Port(), Project: project,
		APIKeyValue:          srv.NewAPIKey(project + hopsworkstest.UserSuffix),
		HostnameVerification: true, TrustStorePath: ca, CertFolder: dir,
	})
	require.NoError(t, err)
	defer c.Close()
	for i, spec := range specs {
		t.Run(fmt.Sprintf("join %d: %s %s %s", i, spec.Left.Name, spec.JoinType, spec.Right.Name), func(t *testing.T) {
			wantColumns := slices.Clone(spec.Left.Features)
			for _, f := range spec.Right.Features {
				wantColumns = append(wantColumns, spec.Prefix+f)
			}
			assert.Equal(t, wantColumns, got[i].Columns, "the DataFrame's columns, the right side's prefixed")

			hopsql := hopsqlJoin(t, c, spec)
			require.NotEmpty(t, hopsql)
			python := make([][]string, len(got[i].Rows))
			for r, row := range got[i].Rows {
				require.Len(t, row, len(wantColumns))
				for _, v := range row {
					python[r] = append(python[r], cellText(v))
				}
			}
			assert.Equal(t, localtest.Sorted(hopsql), localtest.Sorted(python), "the Hopsworks client and hopsql read the same rows")
		})
	}
}

// hopsqlJoin reads spec with c.PlanJoin and returns the rows as cellText
// renders them.
func hopsqlJoin(t *testing.T, c *hopsworks.Client, spec joinSpec) [][]string {
	t.Helper()
	ctx := context.Background()
	input := func(side joinSide) connector.JoinInput {
		fgs, err := c.FeatureGroups(ctx, side.Store)
		require.NoError(t, err)
		i := slices.IndexFunc(fgs, func(fg *connector.FeatureGroup) bool { return fg.Name == side.Name && fg.Version == side.Version })
		require.GreaterOrEqual(t, i, 0, "%s::%s_%d", side.Store, side.Name, side.Version)
		in := connector.JoinInput{FeatureGroup: fgs[i], Columns: side.Features}
		if side.Filter != nil {
			in.Filter = []connector.Predicate{filterPredicate(t, fgs[i], side.Filter)}
		}
		return in
	}
	step := connector.JoinStep{Type: connector.InnerJoin}
	if spec.JoinType == "left" {
		step.Type = connector.LeftJoin
	}
	for _, k := range spec.On {
		step.Keys = append(step.Keys, connector.JoinKey{LeftFeature: k, RightFeature: k})
	}
	s, err := c.PlanJoin(ctx, connector.JoinRequest{
		Inputs: []connector.JoinInput{input(spec.Left), input(spec.Right)},
		Steps:  []connector.JoinStep{step},
	})
	require.NoError(t, err)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rr, err := s.Partitions()[0].Open(ctx, mem)
	require.NoError(t, err)
	defer rr.Release()
	var rows [][]string
	for rr.Next() {
		rec := rr.Record()
		for r := 0; r < int(rec.NumRows()); r++ {
			row := make([]string, rec.NumCols())
			for k := range row {
				row[k] = cellText(localtest.Value(rec.Column(k), r))
			}
			rows = append(rows, row)
		}
	}
	require.NoError(t, rr.Err())
	return rows
}

// filterPredicate is f as a predicate over the features of fg.
func filterPredicate(t *testing.T, fg *connector.FeatureGroup, f *joinFilter) connector.Predicate {
	t.Helper()
	feature, ok := fg.Feature(f.Feature)
	require.True(t, ok, f.Feature)
	var v scalar.Scalar
	switch x := f.Value.(type) {
	case string:
		v = scalar.NewStringScalar(x)
	case int:
		switch typ := feature.DataType.(type) {
		case *arrow.Decimal128Type:
			v = scalar.NewDecimal128Scalar(decimal128.FromI64(int64(x)).Mul(decimal128.GetScaleMultiplier(int(typ.Scale))), typ)
		default:
			v = scalar.NewInt64Scalar(int64(x))
		}
	default:
		t.Fatalf("filter value %v of type %T", f.Value, f.Value)
	}
	op := map[string]connector.Op{"<": connector.Lt, "<=": connector.Le, "==": connector.Eq, "!=": connector.Ne, ">=": connector.Ge, ">": connector.Gt}[f.Op]
	return connector.Compare{Column: f.Feature, Op: op, Value: v}
}

// cellText renders a cell of either reader the same way: numbers as
// decimal text (a DataFrame's integers with NULLs are floats, 352.0),
// decimals with their scale, NULL for missing values.
func cellText(v any) string {
	switch v := v.(type) {
	case nil:
		return "NULL"
	case json.Number:
		s := string(v)
		if whole, ok := strings.CutSuffix(s, ".0"); ok {
			return whole
		}
		return s
	}
	return localtest.Text(v)
}
