package connector

import (
	"testing"

	"github.com/apache/arrow/go/v15/arrow/scalar"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func joinFGs(t *testing.T) (tx, cust, merch *FeatureGroup) {
	t.Helper()
	mk := func(project, name string, feats ...string) *FeatureGroup {
		fg := &FeatureGroup{Project: project, Name: name, Version: 1}
		for _, f := range feats {
			dt, err := ParseType("bigint")
			require.NoError(t, err)
			fg.Features = append(fg.Features, Feature{Name: f, Type: "bigint", DataType: dt})
		}
		return fg
	}
	return mk("fraud", "transactions", "tx_id", "customer_id", "merchant_id"),
		mk("bank", "customers", "customer_id", "age"),
		mk("bank", "merchants", "merchant_id", "mcc")
}

func TestJoinRequest(t *testing.T) {
	tx, cust, merch := joinFGs(t)
	req := JoinRequest{
		Inputs: []JoinInput{
			{FeatureGroup: tx, Columns: []string{"tx_id"}},
			{FeatureGroup: cust, Columns: []string{"age"}, Filter: []Predicate{Compare{Column: "age", Op: Gt, Value: scalar.NewInt64Scalar(30)}}},
			{FeatureGroup: merch, Columns: []string{"mcc"}},
		},
		Steps: []JoinStep{
			{Type: InnerJoin, Keys: []JoinKey{{Left: 0, LeftFeature: "customer_id", RightFeature: "customer_id"}}},
			{Type: LeftJoin, Keys: []JoinKey{{Left: 0, LeftFeature: "merchant_id", RightFeature: "merchant_id"}}},
		},
	}
	require.NoError(t, req.Validate())
	assert.Equal(t, "fraud::transactions_1 INNER JOIN bank::customers_1 [`age` > 30] ON transactions_1.`customer_id` = customers_1.`customer_id` LEFT JOIN bank::merchants_1 ON transactions_1.`merchant_id` = merchants_1.`merchant_id`", req.String())
	assert.Equal(t, []bool{false, false, true}, req.NullSupplying())

	req.Steps[0].Type = RightJoin
	assert.Equal(t, []bool{true, false, true}, req.NullSupplying())
	req.Steps[1].Type = FullJoin
	assert.Equal(t, []bool{true, true, true}, req.NullSupplying())

	for name, bad := range map[string]func(r *JoinRequest){
		"steps":          func(r *JoinRequest) { r.Steps = r.Steps[:1] },
		"no keys":        func(r *JoinRequest) { r.Steps[0].Keys = nil },
		"later input":    func(r *JoinRequest) { r.Steps[0].Keys[0].Left = 1 },
		"left feature":   func(r *JoinRequest) { r.Steps[0].Keys[0].LeftFeature = "nope" },
		"right feature":  func(r *JoinRequest) { r.Steps[1].Keys[0].RightFeature = "nope" },
		"column":         func(r *JoinRequest) { r.Inputs[2].Columns = []string{"nope"} },
		"feature group":  func(r *JoinRequest) { r.Inputs[1].FeatureGroup = nil },
		"one input only": func(r *JoinRequest) { r.Inputs, r.Steps = r.Inputs[:1], nil },
	} {
		r := req
		r.Inputs = append([]JoinInput(nil), req.Inputs...)
		r.Steps = []JoinStep{{Type: req.Steps[0].Type, Keys: append([]JoinKey(nil), req.Steps[0].Keys...)}, {Type: req.Steps[1].Type, Keys: append([]JoinKey(nil), req.Steps[1].Keys...)}}
		bad(&r)
		assert.Error(t, r.Validate(), name)
	}
}
