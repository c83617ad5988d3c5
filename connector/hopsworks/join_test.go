package hopsworks

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/scalar"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector"
)

// Unit tests of the join's query model, columns and payload; the joins
// against the test server are in join_integration_test.go.

// joinGroup is a cached feature group of project with the features
// "name type", given id.
func joinGroup(t *testing.T, project, name string, id int64, features ...string) *groupInfo {
	t.Helper()
	dto := featureGroupDTO{
		Type: typeCachedFeatureGroup, ID: id, Name: name, Version: 1,
		FeaturestoreID: id * 10, FeaturestoreName: project + "_featurestore", TimeTravelFormat: "HUDI",
	}
	for _, f := range features {
		n, typ, ok := strings.Cut(f, " ")
		require.True(t, ok, f)
		dto.Features = append(dto.Features, featureDTO{Name: n, Type: typ})
	}
	g, err := groupFromDTO(project, dto)
	require.NoError(t, err)
	return &g
}

// joinFixture is a star of three feature groups: tx(tx_id, cust, merch,
// amount) with customers(cust, age, name) and merchants(merch, name).
func joinFixture(t *testing.T) (parts []*joinPart, req connector.JoinRequest) {
	t.Helper()
	tx := joinGroup(t, "fraud", "tx", 5, "tx_id bigint", "cust bigint", "merch bigint", "amount decimal(12,2)")
	cust := joinGroup(t, "bank", "customers", 2, "cust bigint", "age int", "name string")
	merch := joinGroup(t, "bank", "merchants", 3, "merch int", "name string")
	req = connector.JoinRequest{
		Inputs: []connector.JoinInput{
			{FeatureGroup: tx.fg, Columns: []string{"tx_id", "cust"}, Filter: []connector.Predicate{compare("tx_id", connector.Gt, i64(7))}},
			{FeatureGroup: cust.fg, Columns: []string{"cust", "name", "cust"}},
			{FeatureGroup: merch.fg},
		},
		Steps: []connector.JoinStep{
			{Type: connector.InnerJoin, Keys: []connector.JoinKey{{LeftFeature: "cust", RightFeature: "cust"}}},
			{Type: connector.LeftJoin, Keys: []connector.JoinKey{{LeftFeature: "merch", RightFeature: "merch"}, {LeftFeature: "tx_id", RightFeature: "merch"}}},
		},
	}
	require.NoError(t, req.Validate())
	for i, g := range []*groupInfo{tx, cust, merch} {
		p := &joinPart{in: req.Inputs[i], g: g, st: storeInfo{name: g.dto.FeaturestoreName, id: g.dto.FeaturestoreID}}
		if i > 0 {
			p.typ = req.Steps[i-1].Type.String()
		}
		read, err := requestedFeatures(g.fg, dedupe(req.Inputs[i].Columns))
		require.NoError(t, err)
		if len(read) == 0 {
			read = []connector.Feature{narrowest(g.fg.Features)}
		}
		p.read = read
		p.filter, p.exact = translateConjuncts(g.fg, req.Inputs[i].Filter)
		parts = append(parts, p)
	}
	assignPrefixes(parts)
	return parts, req
}

func TestJoinQueryModel(t *testing.T) {
	parts, req := joinFixture(t)
	parts[0].g.dto.EventTime = "tx_id" // metadata with event times
	parts[1].g.dto.EventTime = "age"
	parts[2].g.dto.EventTime = "merch"
	got, err := json.Marshal(newJoinQuery(req, parts))
	require.NoError(t, err)
	doc := string(got)

	for _, path := range [][]string{{"leftFeatureGroup", "eventTime"}} {
		assert.Equal(t, "null", subtree(t, doc, path...), "no event time: a plain join, not a point-in-time one")
	}
	var q struct {
		LeftFeatures []queryFeatureDTO `json:"leftFeatures"`
		Joins        []struct {
			Query struct {
				LeftFeatureGroup map[string]any    `json:"leftFeatureGroup"`
				LeftFeatures     []queryFeatureDTO `json:"leftFeatures"`
				Joins            []any             `json:"joins"`
				Filter           any               `json:"filter"`
			} `json:"query"`
			On      []queryFeatureDTO `json:"on"`
			LeftOn  []queryFeatureDTO `json:"leftOn"`
			RightOn []queryFeatureDTO `json:"rightOn"`
			Type    string            `json:"type"`
			Prefix  string            `json:"prefix"`
		} `json:"joins"`
	}
	require.NoError(t, json.Unmarshal(got, &q))
	assert.Equal(t, []queryFeatureDTO{{Name: "tx_id", Type: "bigint", FeatureGroupID: 5}, {Name: "cust", Type: "bigint", FeatureGroupID: 5}}, q.LeftFeatures)
	require.Len(t, q.Joins, 2)
	assert.Equal(t, "INNER", q.Joins[0].Type)
	assert.Equal(t, "LEFT", q.Joins[1].Type)
	assert.Equal(t, "j1_", q.Joins[0].Prefix)
	assert.Equal(t, "j2_", q.Joins[1].Prefix)
	for i, j := range q.Joins {
		assert.Empty(t, j.On, "keys go in leftOn and rightOn")
		assert.NotNil(t, j.On, "on is an empty list, as the Hopsworks client sends it")
		assert.Nil(t, j.Query.LeftFeatureGroup["eventTime"], "sub-query %d has no event time", i)
		assert.Empty(t, j.Query.Joins, "sub-queries have no joins")
		assert.Nil(t, j.Query.Filter)
	}
	assert.Equal(t, []queryFeatureDTO{{Name: "cust", Type: "bigint", FeatureGroupID: 5}}, q.Joins[0].LeftOn)
	assert.Equal(t, []queryFeatureDTO{{Name: "cust", Type: "bigint", FeatureGroupID: 2}}, q.Joins[0].RightOn)
	assert.Equal(t, []queryFeatureDTO{{Name: "merch", Type: "bigint", FeatureGroupID: 5}, {Name: "tx_id", Type: "bigint", FeatureGroupID: 5}}, q.Joins[1].LeftOn)
	assert.Equal(t, []queryFeatureDTO{{Name: "merch", Type: "int", FeatureGroupID: 3}, {Name: "merch", Type: "int", FeatureGroupID: 3}}, q.Joins[1].RightOn)
	assert.Equal(t, []queryFeatureDTO{{Name: "cust", Type: "bigint", FeatureGroupID: 2}, {Name: "name", Type: "string", FeatureGroupID: 2}},
		q.Joins[0].Query.LeftFeatures, "each column once")
	assert.Equal(t, []queryFeatureDTO{{Name: "merch", Type: "int", FeatureGroupID: 3}}, q.Joins[1].Query.LeftFeatures,
		"an input without columns reads its narrowest feature")
	assert.JSONEq(t, `{"type":"SINGLE","leftFilter":{"feature":{"name":"tx_id","type":"bigint","featureGroupId":5},"condition":"GREATER_THAN","value":"7"},"rightFilter":null,"leftLogic":null,"rightLogic":null}`,
		subtree(t, doc, "filter"))
}

func TestJoinColumns(t *testing.T) {
	parts, req := joinFixture(t)
	out, wire := joinColumns(req, parts)
	var names []string
	for _, f := range out {
		names = append(names, f.Name)
	}
	assert.Equal(t, []string{"tx_id", "cust", "cust", "name", "cust"}, names, "the requested columns under their own names, in order")
	assert.Equal(t, []string{"tx_id", "cust", "j1_cust", "j1_name", "j1_cust"}, wire)
	assert.Equal(t, []string{"tx_id", "cust", "j1_cust", "j1_name", "j2_merch"}, selectList(parts))

	int64s := func(names ...string) *arrow.Schema {
		var fields []arrow.Field
		for _, n := range names {
			typ := arrow.DataType(arrow.PrimitiveTypes.Int64)
			if strings.HasSuffix(n, "name") || strings.HasSuffix(n, "NAME") {
				typ = arrow.BinaryTypes.String
			}
			fields = append(fields, arrow.Field{Name: n, Type: typ, Nullable: true})
		}
		return arrow.NewSchema(fields, nil)
	}
	tests := []struct {
		name string
		wire *arrow.Schema
		src  []int
		err  string
	}{
		{"by name", int64s("j2_merch", "j1_name", "j1_cust", "cust", "tx_id"), []int{4, 3, 2, 1, 2}, ""},
		{"ignoring case", int64s("TX_ID", "CUST", "J1_CUST", "J1_NAME", "J2_MERCH"), []int{0, 1, 2, 3, 2}, ""},
		{"by position", int64s("a", "b", "c", "name", "e"), []int{0, 1, 2, 3, 2}, ""},
		{"a column missing", int64s("tx_id", "cust", "j1_name", "j2_merch"), nil, `no column "j1_cust"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := planJoinColumns(tt.wire, selectList(parts), wire, out)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.src, p.src)
			assert.True(t, p.schema.Equal(connector.FeatureSchema(out)))
			assert.Equal(t, []bool{false, false, false, false, false}, p.cast)
		})
	}
	t.Run("types convert", func(t *testing.T) {
		w := arrow.NewSchema([]arrow.Field{
			{Name: "tx_id", Type: arrow.PrimitiveTypes.Int32}, {Name: "cust", Type: arrow.PrimitiveTypes.Int64},
			{Name: "j1_cust", Type: arrow.PrimitiveTypes.Int64}, {Name: "j1_name", Type: arrow.BinaryTypes.LargeString},
			{Name: "j2_merch", Type: arrow.PrimitiveTypes.Int32},
		}, nil)
		p, err := planJoinColumns(w, selectList(parts), wire, out)
		require.NoError(t, err)
		assert.Equal(t, []bool{true, false, false, true, false}, p.cast)
		w = arrow.NewSchema([]arrow.Field{
			{Name: "tx_id", Type: arrow.ListOf(arrow.PrimitiveTypes.Int64)}, {Name: "cust", Type: arrow.PrimitiveTypes.Int64},
			{Name: "j1_cust", Type: arrow.PrimitiveTypes.Int64}, {Name: "j1_name", Type: arrow.BinaryTypes.String},
			{Name: "j2_merch", Type: arrow.PrimitiveTypes.Int32},
		}, nil)
		_, err = planJoinColumns(w, selectList(parts), wire, out)
		assert.ErrorContains(t, err, "cannot convert")
	})
}

func TestAssignPrefixes(t *testing.T) {
	tests := []struct {
		name     string
		root     []string // features of the root, besides "k bigint"
		right    []string // features of the sub-query, besides "k bigint"
		prefixes string
	}{
		{"plain", []string{"a bigint"}, []string{"a bigint"}, "j1_"},
		{"a root feature named like a prefixed one", []string{"j1_a bigint"}, []string{"a bigint"}, "j_1_"},
		{"a sub-query feature named like a prefixed one", []string{"a bigint"}, []string{"j1_a bigint", "a bigint"}, "j_1_"},
		{"both", []string{"j1_a bigint", "j_1_a bigint"}, []string{"a bigint"}, "j__1_"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := joinGroup(t, "p", "root", 1, append([]string{"k bigint"}, tt.root...)...)
			right := joinGroup(t, "p", "right", 2, append([]string{"k bigint"}, tt.right...)...)
			parts := []*joinPart{{g: root, read: root.fg.Features}, {g: right, read: right.fg.Features}}
			assignPrefixes(parts)
			assert.Equal(t, "", parts[0].prefix)
			assert.Equal(t, tt.prefixes, parts[1].prefix)
			seen := map[string]bool{}
			for _, n := range selectList(parts) {
				assert.False(t, seen[n], "%s appears twice in the result", n)
				seen[n] = true
			}
			// The backend's removeDuplicateColumns drops a joined key
			// whose prefixed name the root selects: never here.
			for _, f := range right.fg.Features {
				_, clash := root.fg.Feature(parts[1].prefix + f.Name)
				assert.False(t, clash, f.Name)
			}
		})
	}
}

func TestCheckJoinShape(t *testing.T) {
	_, base := joinFixture(t)
	edit := func(f func(r *connector.JoinRequest)) connector.JoinRequest {
		r := base
		r.Inputs = append([]connector.JoinInput(nil), base.Inputs...)
		r.Steps = nil
		for _, st := range base.Steps {
			r.Steps = append(r.Steps, connector.JoinStep{Type: st.Type, Keys: append([]connector.JoinKey(nil), st.Keys...)})
		}
		f(&r)
		return r
	}
	filter := []connector.Predicate{compare("name", connector.Eq, str("x"))}
	tests := []struct {
		name string
		req  connector.JoinRequest
		why  string // "" if taken
	}{
		{"star", base, ""},
		{"chain", edit(func(r *connector.JoinRequest) {
			r.Steps[1].Keys[0] = connector.JoinKey{Left: 1, LeftFeature: "name", RightFeature: "name"}
		}),
			"keyed on bank::customers_1, not on the root"},
		{"filter on a left join's right side", edit(func(r *connector.JoinRequest) { r.Inputs[2].Filter = filter }),
			"bank::merchants_1 has a filter but an outer join pads it"},
		{"filter on the root of a right join", edit(func(r *connector.JoinRequest) { r.Steps[0].Type = connector.RightJoin }),
			"fraud::tx_1 has a filter"},
		{"right join, filter on its preserved side", edit(func(r *connector.JoinRequest) {
			r.Steps[0].Type = connector.RightJoin
			r.Inputs[0].Filter = nil
			r.Inputs[1].Filter = filter
		}), ""},
		{"full join with a filter", edit(func(r *connector.JoinRequest) {
			r.Steps[1].Type = connector.FullJoin
			r.Inputs[0].Filter = nil
			r.Inputs[1].Filter = filter
		}), "bank::customers_1 has a filter"},
		{"full join without filters", edit(func(r *connector.JoinRequest) {
			r.Steps[1].Type = connector.FullJoin
			r.Inputs[0].Filter = nil
		}), ""},
		{"unknown join type", edit(func(r *connector.JoinRequest) { r.Steps[0].Type = connector.JoinType(42) }), "not one of the query model's"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkJoinShape(tt.req)
			if tt.why == "" {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, connector.ErrJoinRefused)
			assert.Contains(t, err.Error(), tt.why)
		})
	}
}

func TestComparableKeys(t *testing.T) {
	feature := func(typ string) connector.Feature {
		dt, err := connector.ParseType(typ)
		require.NoError(t, err)
		return connector.Feature{Name: "k", Type: typ, DataType: dt}
	}
	for _, tt := range []struct {
		l, r string
		ok   bool
	}{
		{"bigint", "bigint", true}, {"int", "bigint", true}, {"decimal(12,2)", "decimal(10,0)", true},
		{"string", "string", true}, {"date", "date", true}, {"timestamp", "timestamp", true}, {"boolean", "boolean", true},
		{"string", "bigint", false}, {"double", "double", false}, {"float", "float", false},
		{"bigint", "double", false}, {"date", "timestamp", false}, {"array<int>", "array<int>", false},
	} {
		assert.Equal(t, tt.ok, comparableKeys(feature(tt.l), feature(tt.r)), "%s = %s", tt.l, tt.r)
	}
}

func TestHasDefault(t *testing.T) {
	g := joinGroup(t, "p", "fg", 1, "a bigint", "b string", "c int")
	g.dto.Features[0].DefaultValue = json.RawMessage(`"0"`)
	g.dto.Features[1].DefaultValue = json.RawMessage(` null `)
	assert.True(t, hasDefault(g, "a"))
	assert.False(t, hasDefault(g, "b"))
	assert.False(t, hasDefault(g, "c"))
	assert.False(t, hasDefault(g, "nope"))
}

func TestJoinPayload(t *testing.T) {
	// The Hopsworks client's test_construct_query_object joins fg_test
	// with itself; its filters are pythonFilters.
	g := testGroup(t)
	st := storeInfo{name: "test_featurestore", id: 67}
	root := &joinPart{g: g, st: st, filter: andOf([]*filterNode{
		leaf(t, g, "intt", condGreater, "500"),
		leaf(t, g, "stringt", condLess, "0.1"),
		leaf(t, g, "intt", condLess, "700"),
	})}
	right := &joinPart{g: g, st: st, filter: leaf(t, g, "intt", condGreater, "500")}
	res := &fsQueryDTO{
		Query:        "SELECT `fg1`.`intt` `intt`, `fg0`.`stringt` `test_stringt`\nFROM `test_featurestore`.`fg_test_1` `fg1`\nINNER JOIN `test_featurestore`.`fg_test_1` `fg0` ON `fg1`.`intt` = `fg0`.`intt`",
		PitQueryAsof: "SELECT 'never this'",
	}
	got, err := joinPayload([]*joinPart{root, right}, res)
	require.NoError(t, err)
	assert.JSONEq(t, pythonFilters, subtree(t, string(got), "filters"))
	assert.Equal(t, `"SELECT \"fg1\".\"intt\" \"intt\", \"fg0\".\"stringt\" \"test_stringt\"\nFROM \"test.fg_test_1\" \"fg1\"\nINNER JOIN \"test.fg_test_1\" \"fg0\" ON \"fg1\".\"intt\" = \"fg0\".\"intt\""`,
		subtree(t, string(got), "query_string"), "the plain query, never a point-in-time one")

	// Two stores, one filter on the sub-query only.
	other := joinGroup(t, "bank", "customers", 2, "cust bigint", "name string")
	res = &fsQueryDTO{Query: "SELECT `fg1`.`intt` `intt`, `fg0`.`name` `j1_name` FROM `test_featurestore`.`fg_test_1` `fg1` LEFT JOIN `bank_featurestore`.`customers_1` `fg0` ON `fg1`.`intt` = `fg0`.`cust`"}
	root.filter = nil
	sub := &joinPart{g: other, st: storeInfo{name: "bank_featurestore"}, filter: leafNode(other.fg.Features[1], condEqual, stringLiteral("x"))}
	got, err = joinPayload([]*joinPart{root, sub}, res)
	require.NoError(t, err)
	assert.JSONEq(t, `{
		"query_string": "SELECT \"fg1\".\"intt\" \"intt\", \"fg0\".\"name\" \"j1_name\" FROM \"test.fg_test_1\" \"fg1\" LEFT JOIN \"bank.customers_1\" \"fg0\" ON \"fg1\".\"intt\" = \"fg0\".\"cust\"",
		"features": {
			"test.fg_test_1": [{"name": "intt", "type": "int"}, {"name": "stringt", "type": "string"}],
			"bank.customers_1": [{"name": "cust", "type": "bigint"}, {"name": "name", "type": "string"}]},
		"filters": {"type":"logic","logic_type":"SINGLE","left_filter":{"type":"filter","condition":"EQUALS","value":"x","feature":"bank.customers_1.name"},"right_filter":null},
		"connectors": {
			"test.fg_test_1": {"feature_group_id": 15, "time_travel_type": "hudi"},
			"bank.customers_1": {"feature_group_id": 2, "time_travel_type": "hudi"}}
	}`, string(got))
}

func TestTranslateConjunctsExactness(t *testing.T) {
	fg := filterGroup(t)
	frac := ts(mustTime(t, "2026-01-01 10:00:00").Add(500_000_000), arrow.Microsecond, "")
	tests := []struct {
		name  string
		p     connector.Predicate
		exact bool
	}{
		{"comparison", compare("id", connector.Gt, i64(5)), true},
		{"in", connector.In{Column: "name", Values: []scalar.Scalar{str("a"), str("b")}}, true},
		{"not in", connector.In{Column: "name", Values: []scalar.Scalar{str("a")}, Not: true}, true},
		{"like", connector.Like{Column: "name", Pattern: "a%"}, true},
		{"is null", connector.IsNull{Column: "name"}, true},
		{"or", connector.Or{compare("id", connector.Lt, i64(1)), compare("n", connector.Gt, i32(5))}, true},
		{"not and", connector.Not{X: connector.And{compare("id", connector.Lt, i64(1)), connector.IsNull{Column: "name", Not: true}}}, true},
		{"is not null", connector.IsNull{Column: "name", Not: true}, true},
		{"not is null", connector.Not{X: connector.IsNull{Column: "x"}}, true},
		{"is not null on a binary feature", connector.IsNull{Column: "raw", Not: true}, false},
		{"not like", connector.Like{Column: "name", Pattern: "a%", Not: true}, false},
		{"like with a backslash", connector.Like{Column: "name", Pattern: `a\%`}, false},
		{"timestamp with a fraction, widened", compare("ts", connector.Gt, frac), false},
		{"timestamp equality with a fraction", compare("ts", connector.Eq, frac), false},
		{"and with a term left out", connector.And{compare("id", connector.Gt, i64(5)), connector.Like{Column: "name", Pattern: "a%", Not: true}}, false},
		{"or with a term left out", connector.Or{compare("id", connector.Gt, i64(5)), connector.Like{Column: "name", Pattern: "a%", Not: true}}, false},
		{"unknown feature", compare("nope", connector.Gt, i64(5)), false},
		{"value of another type", compare("id", connector.Gt, str("5")), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, exact := translateConjuncts(fg, []connector.Predicate{compare("id", connector.Ge, i64(0)), tt.p})
			assert.Equal(t, []bool{true, tt.exact}, exact)
		})
	}
}

func TestJoinScanExactFilters(t *testing.T) {
	s := &joinScan{exact: [][]bool{{true, false}, nil}}
	got := s.ExactFilters()
	assert.Equal(t, [][]bool{{true, false}, nil}, got)
	got[0][0] = false
	assert.True(t, s.ExactFilters()[0][0], "the caller's copy")
}

func TestRefused(t *testing.T) {
	err := refused("because %d", 42)
	assert.ErrorIs(t, err, connector.ErrJoinRefused)
	assert.Equal(t, fmt.Sprintf("hopsworks: %v: because 42", connector.ErrJoinRefused), err.Error())
	assert.False(t, errors.Is(err, errors.ErrUnsupported))
}
