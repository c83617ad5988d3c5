package hopsworks

import (
	"context"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/arrow/scalar"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector"
	"github.com/hopsql/hopsql/connector/hopsworks/hopsworkstest"
	"github.com/hopsql/hopsql/connector/local/localtest"
)

// Reads through the Hopsworks Query Service of hopsworkstest, compared
// with the demo warehouse's Parquet files read by localtest. Helpers are
// in integration_test.go.

// featureGroup returns the feature group project::name_version as c lists
// it.
func featureGroup(t *testing.T, c *Client, project, name string, version int) *connector.FeatureGroup {
	t.Helper()
	fgs, err := c.FeatureGroups(context.Background(), project)
	require.NoError(t, err)
	for _, fg := range fgs {
		if fg.Name == name && fg.Version == version {
			return fg
		}
	}
	t.Fatalf("no feature group %s::%s_%d", project, name, version)
	return nil
}

// readScan reads every partition of s with a checked allocator and
// returns the rows as text and the number of rows.
func readScan(t *testing.T, s connector.Scan) [][]string {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var rows [][]string
	for _, p := range s.Partitions() {
		rr, err := p.Open(context.Background(), mem)
		require.NoError(t, err)
		assert.True(t, rr.Schema().Equal(s.Schema()), "reader schema %s, scan schema %s", rr.Schema(), s.Schema())
		for rr.Next() {
			rec := rr.Record()
			require.True(t, rec.Schema().Equal(s.Schema()))
			for i := 0; i < int(rec.NumRows()); i++ {
				row := make([]string, rec.NumCols())
				for c := range row {
					row[c] = localtest.Text(localtest.Value(rec.Column(c), i))
				}
				rows = append(rows, row)
			}
		}
		require.NoError(t, rr.Err())
		rr.Release()
	}
	return rows
}

// oracle returns the columns of the rows of project::table that keep
// accepts, as text.
func oracle(t *testing.T, project, table string, columns []string, keep func(localtest.Row) bool) [][]string {
	t.Helper()
	var out [][]string
	for _, r := range warehouse.rows(t, project, table) {
		if keep != nil && !keep(r) {
			continue
		}
		row := make([]string, len(columns))
		for i, c := range columns {
			row[i] = localtest.Text(r[c])
		}
		out = append(out, row)
	}
	return out
}

// Oracle predicates over localtest rows.

func decimalOver(col string, min string) func(localtest.Row) bool {
	limit, _ := new(big.Rat).SetString(min)
	return func(r localtest.Row) bool {
		s, ok := r[col].(string)
		if !ok {
			return false
		}
		v, _ := new(big.Rat).SetString(s)
		return v.Cmp(limit) > 0
	}
}

func int64Below(col string, n int64) func(localtest.Row) bool {
	return func(r localtest.Row) bool { v, ok := r[col].(int64); return ok && v < n }
}

func isNull(col string) func(localtest.Row) bool {
	return func(r localtest.Row) bool { return r[col] == nil }
}

func stringIn(col string, values ...string) func(localtest.Row) bool {
	return func(r localtest.Row) bool {
		v, ok := r[col].(string)
		for _, w := range values {
			if ok && v == w {
				return true
			}
		}
		return false
	}
}

func all(ps ...func(localtest.Row) bool) func(localtest.Row) bool {
	return func(r localtest.Row) bool {
		for _, p := range ps {
			if !p(r) {
				return false
			}
		}
		return true
	}
}

func decimalScalar(t *testing.T, s string) scalar.Scalar {
	t.Helper()
	n, err := decimal128.FromString(s, 12, 2)
	require.NoError(t, err)
	return scalar.NewDecimal128Scalar(n, &arrow.Decimal128Type{Precision: 12, Scale: 2})
}

var (
	february = time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	txCols   = []string{"tx_id", "customer_id", "merchant_id", "amount", "currency", "ts", "is_fraud"}
)

// TestScanMatchesOracle reads fraud::transactions_1 with columns and
// filters through both payload generations and compares with the
// Parquet files. Every filter here is one Hopsworks can express, so the
// Query Service's answer is exact.
func TestScanMatchesOracle(t *testing.T) {
	tsFeb := ts(february, arrow.Microsecond, "")
	cases := []struct {
		name    string
		columns []string
		preds   []connector.Predicate
		keep    func(localtest.Row) bool
	}{
		{"everything", txCols, nil, nil},
		{"comparisons", []string{"tx_id", "amount", "ts"},
			[]connector.Predicate{
				compare("amount", connector.Gt, decimalScalar(t, "100.00")),
				compare("ts", connector.Ge, tsFeb),
				compare("is_fraud", connector.Eq, scalar.NewBooleanScalar(false)),
			},
			all(decimalOver("amount", "100.00"),
				func(r localtest.Row) bool { return !r["ts"].(time.Time).Before(february) },
				func(r localtest.Row) bool { return r["is_fraud"] == false })},
		{"in and like", []string{"currency", "tx_id"},
			[]connector.Predicate{
				connector.In{Column: "currency", Values: []scalar.Scalar{str("EUR"), str("GBP")}},
				connector.Like{Column: "currency", Pattern: "E%"},
			},
			stringIn("currency", "EUR")},
		{"or, not and is null", []string{"merchant_id", "customer_id"},
			[]connector.Predicate{connector.Or{
				connector.IsNull{Column: "merchant_id"},
				connector.Not{X: compare("customer_id", connector.Ge, i64(50))},
			}},
			func(r localtest.Row) bool { return isNull("merchant_id")(r) || int64Below("customer_id", 50)(r) }},
		{"not in", []string{"currency"},
			[]connector.Predicate{connector.In{Column: "currency", Values: []scalar.Scalar{str("EUR")}, Not: true}},
			func(r localtest.Row) bool { return r["currency"] != nil && r["currency"] != "EUR" }},
		{"is not null", []string{"tx_id", "merchant_id"},
			[]connector.Predicate{connector.IsNull{Column: "merchant_id", Not: true}},
			func(r localtest.Row) bool { return r["merchant_id"] != nil }},
		{"not is null, or", []string{"tx_id", "merchant_id"},
			[]connector.Predicate{connector.Or{
				connector.Not{X: connector.IsNull{Column: "merchant_id"}},
				compare("tx_id", connector.Lt, i64(10)),
			}},
			func(r localtest.Row) bool { return r["merchant_id"] != nil || int64Below("tx_id", 10)(r) }},
	}
	for _, hqs := range []bool{false, true} {
		srv := startServerWith(t, hopsworkstest.Config{HQSPayload: hqs})
		c := connect(t, srv, "fraud", "fraud_user")
		fg := featureGroup(t, c, "fraud", "transactions", 1)
		generation := map[bool]string{false: "generation C", true: "generation D"}[hqs]
		for _, tc := range cases {
			t.Run(generation+"/"+tc.name, func(t *testing.T) {
				s, err := c.PlanScan(context.Background(), fg, connector.ScanRequest{Columns: tc.columns, Filter: tc.preds})
				require.NoError(t, err)
				explain := strings.Join(s.Explain(), "\n")
				assert.Contains(t, explain, generation)
				assert.Contains(t, explain, srv.FlightAddr())
				assert.Len(t, s.Partitions(), 1)
				if len(tc.preds) > 0 {
					assert.NotContains(t, explain, "filter sent to Hopsworks: none")
				}
				want := oracle(t, "fraud", "transactions_1", tc.columns, tc.keep)
				require.NotEmpty(t, want, "the oracle selects rows")
				got := readScan(t, s)
				assert.Equal(t, localtest.Sorted(want), localtest.Sorted(got))
			})
		}
	}
}

// TestScanIsNotNull reads feature groups with NULLs in features of
// several types through IS NOT NULL, which the model says as
// column = v OR column <> v: the Query Service's answer is the oracle's,
// NULLs out and every other value in.
func TestScanIsNotNull(t *testing.T) {
	srv := startServer(t)
	c := connect(t, srv, "fraud", "fraud_user")
	cases := []struct {
		table, name string
		columns     []string
		notNull     []string
	}{
		{"customers_1", "customers", []string{"customer_id", "age", "country"}, []string{"age", "country"}},
		{"merchants_1", "merchants", []string{"merchant_id", "risk_score"}, []string{"risk_score"}},
	}
	for _, tc := range cases {
		t.Run(tc.table, func(t *testing.T) {
			fg := featureGroup(t, c, "bank", tc.name, 1)
			var preds []connector.Predicate
			for _, col := range tc.notNull {
				preds = append(preds, connector.IsNull{Column: col, Not: true})
			}
			s, err := c.PlanScan(context.Background(), fg, connector.ScanRequest{Columns: tc.columns, Filter: preds})
			require.NoError(t, err)
			assert.NotContains(t, strings.Join(s.Explain(), "\n"), "filter sent to Hopsworks: none")
			all := oracle(t, "bank", tc.table, tc.columns, nil)
			want := oracle(t, "bank", tc.table, tc.columns, func(r localtest.Row) bool {
				for _, col := range tc.notNull {
					if r[col] == nil {
						return false
					}
				}
				return true
			})
			require.Less(t, len(want), len(all), "the oracle drops NULLs")
			assert.Equal(t, localtest.Sorted(want), localtest.Sorted(readScan(t, s)))
		})
	}
}

// TestScanUnexpressibleFilter sends nothing for a filter Hopsworks cannot
// express: the scan returns every row, for the planner to filter.
func TestScanUnexpressibleFilter(t *testing.T) {
	srv := startServer(t)
	c := connect(t, srv, "fraud", "fraud_user")
	fg := featureGroup(t, c, "fraud", "transactions", 1)
	s, err := c.PlanScan(context.Background(), fg, connector.ScanRequest{
		Columns: []string{"tx_id"},
		Filter:  []connector.Predicate{connector.Like{Column: "currency", Pattern: "EUR", Not: true}},
	})
	require.NoError(t, err)
	assert.Contains(t, s.Explain(), "filter sent to Hopsworks: none")
	assert.Len(t, readScan(t, s), len(oracle(t, "fraud", "transactions_1", []string{"tx_id"}, nil)))
}

func TestScanLimit(t *testing.T) {
	srv := startServer(t)
	c := connect(t, srv, "fraud", "fraud_user")
	fg := featureGroup(t, c, "fraud", "transactions", 1)
	cols := []string{"tx_id", "amount"}
	want := map[string]int{}
	for _, r := range oracle(t, "fraud", "transactions_1", cols, decimalOver("amount", "100.00")) {
		want[strings.Join(r, "|")]++
	}
	for _, limit := range []int64{1, 1000, 70_000, 10_000_000} {
		s, err := c.PlanScan(context.Background(), fg, connector.ScanRequest{
			Columns: cols, Limit: limit,
			Filter: []connector.Predicate{compare("amount", connector.Gt, decimalScalar(t, "100.00"))},
		})
		require.NoError(t, err)
		got := readScan(t, s)
		total := 0
		for _, n := range want {
			total += n
		}
		assert.Len(t, got, min(int(limit), total), "limit %d", limit)
		seen := map[string]int{}
		for _, r := range got {
			k := strings.Join(r, "|")
			seen[k]++
			assert.LessOrEqual(t, seen[k], want[k], "row %s is a row of the table that matches", k)
		}
	}
}

// TestScanSharedStore reads bank::customers_1 from project fraud, which
// bank's store is shared with.
func TestScanSharedStore(t *testing.T) {
	srv := startServer(t)
	c := connect(t, srv, "fraud", "fraud_user")
	fg := featureGroup(t, c, "bank", "customers", 1)
	cols := make([]string, len(fg.Features))
	for i, f := range fg.Features {
		cols[i] = f.Name
	}
	s, err := c.PlanScan(context.Background(), fg, connector.ScanRequest{Columns: cols})
	require.NoError(t, err)
	assert.Contains(t, strings.Join(s.Explain(), "\n"), "bank::customers_1")
	assert.Equal(t, localtest.Sorted(oracle(t, "bank", "customers_1", cols, nil)), localtest.Sorted(readScan(t, s)))
}

// TestScanRowCount reads no column, as COUNT(*) does: batches without
// columns whose rows add up to the table's (or the filter's).
func TestScanRowCount(t *testing.T) {
	for _, hqs := range []bool{false, true} {
		srv := startServerWith(t, hopsworkstest.Config{HQSPayload: hqs})
		c := connect(t, srv, "fraud", "fraud_user")
		fg := featureGroup(t, c, "fraud", "transactions", 1)
		for _, filtered := range []bool{false, true} {
			req := connector.ScanRequest{}
			var keep func(localtest.Row) bool
			if filtered {
				req.Filter = []connector.Predicate{compare("amount", connector.Gt, decimalScalar(t, "100.00"))}
				keep = decimalOver("amount", "100.00")
			}
			s, err := c.PlanScan(context.Background(), fg, req)
			require.NoError(t, err)
			assert.Equal(t, 0, s.Schema().NumFields())
			assert.Contains(t, strings.Join(s.Explain(), "\n"), "is_fraud, the narrowest, for the row count only")
			got := readScan(t, s)
			assert.Len(t, got, len(oracle(t, "fraud", "transactions_1", nil, keep)), "HQS payload %t, filtered %t", hqs, filtered)
		}
	}
}

func TestPlanScanErrors(t *testing.T) {
	srv := startServer(t)
	c := connect(t, srv, "fraud", "fraud_user")
	ctx := context.Background()
	fg := featureGroup(t, c, "fraud", "transactions", 1)

	_, err := c.PlanScan(ctx, &connector.FeatureGroup{Project: "fraud", Name: "nope", Version: 1}, connector.ScanRequest{})
	assert.ErrorIs(t, err, connector.ErrNotFound)
	_, err = c.PlanScan(ctx, fg, connector.ScanRequest{Columns: []string{"nope"}})
	assert.ErrorIs(t, err, connector.ErrNotFound)
	_, err = c.PlanScan(ctx, nil, connector.ScanRequest{})
	assert.Error(t, err)

	// A cluster without the Query Service.
	srv.Faults().FailHTTP("GET", "/variables/enable_flyingduck", 404, 1)
	_, err = c.PlanScan(ctx, fg, connector.ScanRequest{Columns: []string{"tx_id"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "enable_flyingduck")
	// The failure is not kept.
	s, err := c.PlanScan(ctx, fg, connector.ScanRequest{Columns: []string{"tx_id"}})
	require.NoError(t, err)

	// A closed client reads nothing.
	require.NoError(t, c.Close())
	_, err = s.Partitions()[0].Open(ctx, memory.NewGoAllocator())
	assert.ErrorIs(t, err, ErrClosed)
	_, err = c.PlanScan(ctx, fg, connector.ScanRequest{Columns: []string{"tx_id"}})
	assert.ErrorIs(t, err, ErrClosed)
}
