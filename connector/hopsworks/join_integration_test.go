package hopsworks

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector"
	"github.com/hopsql/hopsql/connector/hopsworks/hopsworkstest"
	"github.com/hopsql/hopsql/connector/local/localtest"
)

// Joins pushed to hopsworkstest, compared with joins computed in Go from
// the demo warehouse's Parquet files (join_oracle_test.go). Other helpers
// are in integration_test.go and scan_integration_test.go.

var (
	txJoinCols       = []string{"tx_id", "customer_id", "merchant_id", "amount"}
	customerJoinCols = []string{"customer_id", "name", "age", "country", "segment"}
	merchantJoinCols = []string{"merchant_id", "name", "category", "country"}
)

// joinCases are joins Hopsworks takes, each checked against the oracle.
func joinCases(t *testing.T) []joinCase {
	bigAmount := compare("amount", connector.Gt, decimalScalar(t, "500.00"))
	business := compare("segment", connector.Eq, str("business"))
	noMerchant := connector.IsNull{Column: "merchant_id"}
	return []joinCase{
		{
			name: "inner, 2-way, selective filters",
			inputs: []joinInput{
				{"fraud", "transactions", txJoinCols, []connector.Predicate{bigAmount}, decimalOver("amount", "500.00")},
				{"bank", "customers", customerJoinCols, []connector.Predicate{business}, stringIn("segment", "business")},
			},
			steps: []joinStep{{connector.InnerJoin, [][2]string{{"customer_id", "customer_id"}}}},
		},
		{
			name: "inner, 3-way star on transactions",
			inputs: []joinInput{
				{"fraud", "transactions", txJoinCols, []connector.Predicate{bigAmount}, decimalOver("amount", "500.00")},
				{"bank", "customers", customerJoinCols, []connector.Predicate{business}, stringIn("segment", "business")},
				{"bank", "merchants", merchantJoinCols, []connector.Predicate{compare("category", connector.Ne, str("grocery"))},
					func(r localtest.Row) bool { return r["category"] != nil && r["category"] != "grocery" }},
			},
			steps: []joinStep{
				{connector.InnerJoin, [][2]string{{"customer_id", "customer_id"}}},
				{connector.InnerJoin, [][2]string{{"merchant_id", "merchant_id"}}},
			},
		},
		{
			name: "left, filter on the root only; NULL merchant ids are padded",
			inputs: []joinInput{
				{"fraud", "transactions", txJoinCols, []connector.Predicate{bigAmount}, decimalOver("amount", "500.00")},
				{"bank", "merchants", merchantJoinCols, nil, nil},
			},
			steps: []joinStep{{connector.LeftJoin, [][2]string{{"merchant_id", "merchant_id"}}}},
		},
		{
			name: "left, only NULL keys: every row padded",
			inputs: []joinInput{
				{"fraud", "transactions", txJoinCols, []connector.Predicate{noMerchant}, isNull("merchant_id")},
				{"bank", "merchants", merchantJoinCols, nil, nil},
			},
			steps: []joinStep{{connector.LeftJoin, [][2]string{{"merchant_id", "merchant_id"}}}},
		},
		{
			name: "inner, only NULL keys: nothing matches",
			inputs: []joinInput{
				{"fraud", "transactions", txJoinCols, []connector.Predicate{noMerchant}, isNull("merchant_id")},
				{"bank", "merchants", merchantJoinCols, nil, nil},
			},
			steps: []joinStep{{connector.InnerJoin, [][2]string{{"merchant_id", "merchant_id"}}}},
			empty: true,
		},
		{
			name: "right, filter on the preserved side",
			inputs: []joinInput{
				{"fraud", "transactions", []string{"tx_id", "amount"}, nil, nil},
				{"bank", "customers", customerJoinCols, []connector.Predicate{business}, stringIn("segment", "business")},
			},
			steps: []joinStep{{connector.RightJoin, [][2]string{{"customer_id", "customer_id"}}}},
		},
		{
			name: "full, no filters",
			inputs: []joinInput{
				{"fraud", "transactions", []string{"tx_id", "merchant_id"}, nil, nil},
				{"bank", "merchants", []string{"merchant_id", "name"}, nil, nil},
			},
			steps: []joinStep{{connector.FullJoin, [][2]string{{"merchant_id", "merchant_id"}}}},
		},
		{
			name: "inner then left, and inputs without columns",
			inputs: []joinInput{
				{"fraud", "transactions", nil, []connector.Predicate{bigAmount}, decimalOver("amount", "500.00")},
				{"bank", "customers", []string{"name"}, []connector.Predicate{business}, stringIn("segment", "business")},
				{"bank", "merchants", nil, nil, nil},
			},
			steps: []joinStep{
				{connector.InnerJoin, [][2]string{{"customer_id", "customer_id"}}},
				{connector.LeftJoin, [][2]string{{"merchant_id", "merchant_id"}}},
			},
		},
		{
			name: "two keys, a string one among them",
			inputs: []joinInput{
				{"bank", "customers", []string{"customer_id", "country"}, nil, nil},
				{"bank", "merchants", []string{"merchant_id", "country", "name"}, nil, nil},
			},
			steps: []joinStep{{connector.InnerJoin, [][2]string{{"country", "country"}, {"customer_id", "merchant_id"}}}},
		},
		{
			// The bench report's training join: IS NOT NULL goes as
			// risk_score = 0.0 OR risk_score <> 0.0, exact.
			name: "inner, 3-way, not equal and is not null on the sub-queries",
			inputs: []joinInput{
				{"fraud", "transactions", []string{"tx_id", "amount"}, []connector.Predicate{
					compare("ts", connector.Ge, ts(february, arrow.Microsecond, "")),
				}, func(r localtest.Row) bool { return !r["ts"].(time.Time).Before(february) }},
				{"bank", "customers", []string{"age", "segment"}, []connector.Predicate{compare("segment", connector.Ne, str("business"))},
					func(r localtest.Row) bool { return r["segment"] != nil && r["segment"] != "business" }},
				{"bank", "merchants", []string{"category", "risk_score"}, []connector.Predicate{connector.IsNull{Column: "risk_score", Not: true}},
					func(r localtest.Row) bool { return r["risk_score"] != nil }},
			},
			steps: []joinStep{
				{connector.InnerJoin, [][2]string{{"customer_id", "customer_id"}}},
				{connector.InnerJoin, [][2]string{{"merchant_id", "merchant_id"}}},
			},
		},
	}
}

func TestJoinMatchesOracle(t *testing.T) {
	for _, hqs := range []bool{false, true} {
		srv := startServerWith(t, hopsworkstest.Config{HQSPayload: hqs})
		c := connect(t, srv, "fraud", "fraud_user")
		generation := map[bool]string{false: "generation C", true: "generation D"}[hqs]
		for _, jc := range joinCases(t) {
			t.Run(generation+"/"+jc.name, func(t *testing.T) {
				req := jc.request(t, c)
				s, err := c.PlanJoin(context.Background(), req)
				require.NoError(t, err)
				explain := strings.Join(s.Explain(), "\n")
				assert.Contains(t, explain, generation)
				assert.Contains(t, explain, "query model sent to Hopsworks: {")
				assert.Contains(t, explain, srv.FlightAddr())
				for i := range req.Inputs {
					assert.Contains(t, explain, req.Inputs[i].FeatureGroup.QualifiedName())
					exact := s.ExactFilters()[i]
					assert.Len(t, exact, len(req.Inputs[i].Filter), "input %d", i)
					assert.NotContains(t, exact, false, "input %d: every filter exact", i)
				}
				assert.Equal(t, len(s.Schema().Fields()), len(slices.Concat(inputColumns(jc.inputs)...)))
				want := jc.oracle(t)
				if jc.empty {
					require.Empty(t, want)
				} else {
					require.NotEmpty(t, want)
				}
				got, _ := readJoin(t, s)
				assert.Equal(t, localtest.Sorted(want), localtest.Sorted(got))
				rows, bytes, first := s.(interface {
					Stats() (int64, int64, time.Duration)
				}).Stats()
				assert.Equal(t, int64(len(want)), rows, "rows received")
				assert.Positive(t, bytes)
				if len(want) > 0 {
					assert.Positive(t, first)
				}
			})
		}
	}
}

// inputColumns returns the columns of each input.
func inputColumns(inputs []joinInput) [][]string {
	out := make([][]string, len(inputs))
	for i, in := range inputs {
		out[i] = in.columns
	}
	return out
}

// TestJoinNeverPointInTime joins two feature groups that both have an
// event time, which with event times in the request would make the
// backend build a point-in-time join: the query model carries none, the
// backend's answer has no point-in-time query, and the rows are those of
// the plain join.
func TestJoinNeverPointInTime(t *testing.T) {
	for _, hqs := range []bool{false, true} {
		srv := startServerWith(t, hopsworkstest.Config{HQSPayload: hqs})
		c := connect(t, srv, "fraud", "fraud_user")
		jc := joinCase{
			inputs: []joinInput{
				{"fraud", "transactions", []string{"tx_id", "customer_id", "ts"}, []connector.Predicate{compare("tx_id", connector.Le, i64(1000))},
					func(r localtest.Row) bool { return r["tx_id"].(int64) <= 1000 }},
				{"fraud", "customer_spend", []string{"ts", "spend_7d"}, nil, nil},
			},
			steps: []joinStep{{connector.InnerJoin, [][2]string{{"customer_id", "customer_id"}}}},
		}
		req := jc.request(t, c)
		require.NotEmpty(t, req.Inputs[0].FeatureGroup.EventTime)
		require.NotEmpty(t, req.Inputs[1].FeatureGroup.EventTime)
		srv.Faults().ResetRequests()
		s, err := c.PlanJoin(context.Background(), req)
		require.NoError(t, err)

		bodies := queryBodies(t, srv)
		require.Len(t, bodies, 1)
		q := bodies[0]
		assert.Nil(t, q["leftFeatureGroup"].(map[string]any)["eventTime"], "no event time on the root")
		joins := q["joins"].([]any)
		require.Len(t, joins, 1)
		sub := joins[0].(map[string]any)["query"].(map[string]any)
		assert.Nil(t, sub["leftFeatureGroup"].(map[string]any)["eventTime"], "no event time on the sub-query")

		explain := strings.Join(s.Explain(), "\n")
		assert.Contains(t, explain, "INNER JOIN `fraud_featurestore`.`customer_spend_1`")
		for _, pit := range []string{"ASOF", "pit_rank_hopsworks", "RANK()"} {
			assert.NotContains(t, explain, pit)
		}
		want := jc.oracle(t)
		require.NotEmpty(t, want)
		got, _ := readJoin(t, s)
		assert.Equal(t, localtest.Sorted(want), localtest.Sorted(got), "the plain join's rows")
	}
}

// TestJoinInexactFilters sends filters Hopsworks says only in part on an
// input that no outer join pads: the join is taken, ExactFilters says
// which conjuncts the planner must apply again, and the rows are those of
// the filters as sent.
func TestJoinInexactFilters(t *testing.T) {
	srv := startServer(t)
	c := connect(t, srv, "fraud", "fraud_user")
	halfSecond := february.Add(500 * time.Millisecond)
	jc := joinCase{
		inputs: []joinInput{
			{"fraud", "transactions", []string{"tx_id", "ts", "currency"}, []connector.Predicate{
				compare("amount", connector.Gt, decimalScalar(t, "500.00")),
				connector.Like{Column: "currency", Pattern: "EUR", Not: true},      // not sent
				compare("ts", connector.Gt, ts(halfSecond, arrow.Microsecond, "")), // sent as ts >= the second
			}, func(r localtest.Row) bool {
				return decimalOver("amount", "500.00")(r) && !r["ts"].(time.Time).Before(february)
			}},
			{"bank", "customers", []string{"name"}, nil, nil},
		},
		steps: []joinStep{{connector.InnerJoin, [][2]string{{"customer_id", "customer_id"}}}},
	}
	s, err := c.PlanJoin(context.Background(), jc.request(t, c))
	require.NoError(t, err)
	assert.Equal(t, [][]bool{{true, false, false}, nil}, s.ExactFilters())
	explain := strings.Join(s.Explain(), "\n")
	assert.Contains(t, explain, "applied again by hopsql: `currency` NOT LIKE 'EUR' AND `ts` >")
	assert.Contains(t, explain, "`ts` >= TIMESTAMP '2026-02-01 00:00:00'")
	want := jc.oracle(t)
	require.NotEmpty(t, want)
	got, _ := readJoin(t, s)
	assert.Equal(t, localtest.Sorted(want), localtest.Sorted(got))
	assert.True(t, slices.ContainsFunc(got, func(r []string) bool { return r[2] == "EUR" }),
		"rows the unsent filter would remove are there, for the planner to remove")
}
