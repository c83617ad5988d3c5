package hopsworks

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector"
)

// TestJoinRefusals offers joins the query model cannot say exactly: each
// is refused with a reason, before any rows are read.
func TestJoinRefusals(t *testing.T) {
	srv := startServer(t)
	c := connect(t, srv, "fraud", "fraud_user")
	ctx := context.Background()
	tx := featureGroup(t, c, "fraud", "transactions", 1)
	cust := featureGroup(t, c, "bank", "customers", 1)
	merch := featureGroup(t, c, "bank", "merchants", 1)
	onCustomer := []connector.JoinKey{{LeftFeature: "customer_id", RightFeature: "customer_id"}}
	business := []connector.Predicate{compare("segment", connector.Eq, str("business"))}
	join := func(typ connector.JoinType, left, right *connector.FeatureGroup, keys []connector.JoinKey, leftFilter, rightFilter []connector.Predicate) connector.JoinRequest {
		return connector.JoinRequest{
			Inputs: []connector.JoinInput{
				{FeatureGroup: left, Columns: []string{"customer_id"}, Filter: leftFilter},
				{FeatureGroup: right, Filter: rightFilter},
			},
			Steps: []connector.JoinStep{{Type: typ, Keys: keys}},
		}
	}
	tests := []struct {
		name string
		req  connector.JoinRequest
		why  string
	}{
		{"chain keyed on the second input", connector.JoinRequest{
			Inputs: []connector.JoinInput{
				{FeatureGroup: cust, Columns: []string{"name"}},
				{FeatureGroup: tx, Columns: []string{"tx_id"}},
				{FeatureGroup: merch, Columns: []string{"name"}},
			},
			Steps: []connector.JoinStep{
				{Type: connector.InnerJoin, Keys: onCustomer},
				{Type: connector.InnerJoin, Keys: []connector.JoinKey{{Left: 1, LeftFeature: "merchant_id", RightFeature: "merchant_id"}}},
			},
		}, "not on the root"},
		{"filter on a left join's right input", join(connector.LeftJoin, tx, cust, onCustomer, nil, business), "bank::customers_1 has a filter"},
		{"full join with filters", join(connector.FullJoin, tx, cust, onCustomer, nil, business), "has a filter but an outer join pads it"},
		{"right join with a filter on the root", join(connector.RightJoin, tx, cust, onCustomer,
			[]connector.Predicate{compare("tx_id", connector.Lt, i64(10))}, nil), "fraud::transactions_1 has a filter"},
		{"a feature group joined with itself", join(connector.InnerJoin, tx, tx, onCustomer, nil, nil), "joined twice"},
		{"keys of types compared otherwise", join(connector.InnerJoin, cust, merch,
			[]connector.JoinKey{{LeftFeature: "name", RightFeature: "merchant_id"}}, nil, nil), "join key name (string) = merchant_id (bigint)"},
		{"floating-point keys", join(connector.InnerJoin, cust, merch,
			[]connector.JoinKey{{LeftFeature: "credit_limit", RightFeature: "risk_score"}}, nil, nil), "credit_limit (double)"},
		{"a feature group of another source", join(connector.InnerJoin, tx,
			&connector.FeatureGroup{Project: "labels", Name: "fraud_labels", Version: 1, Features: cust.Features}, onCustomer, nil, nil),
			"labels::fraud_labels_1 is not a feature group of this Hopsworks connection"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.Faults().ResetRequests()
			_, err := c.PlanJoin(ctx, tt.req)
			require.ErrorIs(t, err, connector.ErrJoinRefused)
			assert.Contains(t, err.Error(), tt.why)
			assert.Empty(t, queryBodies(t, srv), "nothing sent to the query constructor")
			n, _ := flightCalls(srv, "DoGet")
			assert.Zero(t, n)
		})
	}

	t.Run("a feature with a default value on the padded side", func(t *testing.T) {
		// The client caches the metadata: give bank::customers_1's age
		// a default value there.
		g, err := c.group(ctx, cust)
		require.NoError(t, err)
		for i := range g.dto.Features {
			if g.dto.Features[i].Name == "age" {
				g.dto.Features[i].DefaultValue = json.RawMessage(`"18"`)
			}
		}
		req := join(connector.LeftJoin, tx, cust, onCustomer, nil, nil)
		req.Inputs[1].Columns = []string{"age"}
		_, err = c.PlanJoin(ctx, req)
		require.ErrorIs(t, err, connector.ErrJoinRefused)
		assert.Contains(t, err.Error(), "feature age of bank::customers_1 has a default value")
		req.Steps[0].Type = connector.InnerJoin
		_, err = c.PlanJoin(ctx, req)
		assert.NoError(t, err, "on a side that is not padded the default changes nothing")
	})
	t.Run("malformed request", func(t *testing.T) {
		_, err := c.PlanJoin(ctx, connector.JoinRequest{Inputs: []connector.JoinInput{{FeatureGroup: tx}}})
		require.Error(t, err)
		assert.NotErrorIs(t, err, connector.ErrJoinRefused, "a malformed request is the planner's error")
	})
	t.Run("the query constructor rejects the query", func(t *testing.T) {
		srv.Faults().FailHTTP("PUT", "/featurestores/query", 400, 1)
		_, err := c.PlanJoin(ctx, join(connector.InnerJoin, tx, cust, onCustomer, nil, nil))
		require.ErrorIs(t, err, connector.ErrJoinRefused)
		var apiErr *APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, 400, apiErr.Status)
	})
}
