package hopsworkstest

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/flight"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/hopsql/hopsql/connector/local/localtest"
)

// oracleRows reads project's table straight from its Parquet files and
// returns the rows keep accepts, projected on cols, in localtest.Text
// form.
func oracleRows(t *testing.T, project, table string, keep func(localtest.Row) bool, cols ...string) [][]string {
	t.Helper()
	var out [][]string
	for _, r := range localtest.ReadTable(t, demoDir, project, table) {
		if keep != nil && !keep(r) {
			continue
		}
		row := make([]string, len(cols))
		for i, c := range cols {
			row[i] = localtest.Text(r[c])
		}
		out = append(out, row)
	}
	return out
}

// decimal returns a decimal value of an oracle row as a float.
func decimal(t *testing.T, v any) float64 {
	t.Helper()
	if v == nil {
		return 0
	}
	f, err := strconv.ParseFloat(v.(string), 64)
	require.NoError(t, err)
	return f
}

// typedFeatures lists every feature of a demo feature group as
// {"name", "type"} (Generation C), or as names (A, B).
func typedFeatures(t *testing.T, project, table string, typed bool) []any {
	t.Helper()
	var out []any
	for _, f := range findGroup(t, project, table).Features {
		if typed {
			out = append(out, obj{"name": f.Name, "type": f.Type})
		} else {
			out = append(out, f.Name)
		}
	}
	return out
}

func TestFlightPayloadGenerations(t *testing.T) {
	d := newDemoSession(t, Config{})
	u := connectUser(t, d.s, "fraud")
	const key = "fraud.transactions_1"
	aliased := `SELECT "fg0"."tx_id" "tx_id", "fg0"."amount" "amount", "fg0"."currency" "currency", "fg0"."ts" "ts" ` +
		`FROM "fraud.transactions_1" "fg0" WHERE "fg0"."amount" > 500 AND "fg0"."currency" = 'EUR'`
	filter := obj{"type": "logic", "logic_type": "AND",
		"left_filter":  obj{"type": "filter", "condition": "GREATER_THAN", "value": 500, "feature": key + ".amount"},
		"right_filter": obj{"type": "filter", "condition": "EQUALS", "value": "EUR", "feature": key + ".currency"}}
	want := oracleRows(t, "fraud", "transactions_1", func(r localtest.Row) bool {
		return decimal(t, r["amount"]) > 500 && r["currency"] == "EUR"
	}, "tx_id", "amount", "currency", "ts")
	require.NotEmpty(t, want, "the filter selects some rows")

	tests := []struct {
		name    string
		payload obj
	}{
		{"A: hsfs 3.x", obj{"query_string": aliased, "features": obj{key: typedFeatures(t, "fraud", "transactions_1", false)},
			"filters": filter, "connectors": obj{key: obj{"type": "hudi"}}}},
		{"B: SDK 4.1-4.5", obj{"query_string": aliased, "features": obj{key: typedFeatures(t, "fraud", "transactions_1", false)},
			"filters": filter, "connectors": obj{key: obj{"time_travel_type": "hudi"}}}},
		{"C: SDK 4.6", obj{"query_string": aliased, "features": obj{key: typedFeatures(t, "fraud", "transactions_1", true)},
			"filters": filter, "connectors": obj{key: obj{"feature_group_id": d.tx, "time_travel_type": "hudi"}}}},
		{"backend preview, nulls written, columns qualified by the table", obj{
			"query_string": `SELECT "fraud.transactions_1"."tx_id", "fraud.transactions_1"."amount", "fraud.transactions_1"."currency", "fraud.transactions_1"."ts" ` +
				`FROM "fraud.transactions_1" WHERE "fraud.transactions_1"."amount" > 500 AND "fraud.transactions_1"."currency" = 'EUR'`,
			"features": obj{key: typedFeatures(t, "fraud", "transactions_1", false)}, "filters": nil,
			"connectors": obj{key: obj{"type": "hudi", "options": nil, "query": nil, "alias": nil, "filters": nil}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			res, err := u.read(t, ctx, u.withCerts(t, ctx), cmd(payload(t, tt.payload)))
			require.NoError(t, err)
			assert.Equal(t, []string{"tx_id", "amount", "currency", "ts"}, fieldNames(res.schema))
			assert.Equal(t, localtest.Sorted(want), localtest.Sorted(res.rows))
		})
	}

	t.Run("C with LIMIT", func(t *testing.T) {
		ctx := context.Background()
		p := tests[2].payload
		p["query_string"] = aliased + " LIMIT 25"
		res, err := u.read(t, ctx, u.withCerts(t, ctx), cmd(payload(t, p)))
		require.NoError(t, err)
		require.Len(t, res.rows, 25)
		all := map[string]bool{}
		for _, r := range want {
			all[strings.Join(r, "|")] = true
		}
		for _, r := range res.rows {
			assert.True(t, all[strings.Join(r, "|")], "row %v satisfies the WHERE", r)
		}
	})
}

func fieldNames(s *arrow.Schema) []string {
	var out []string
	for _, f := range s.Fields() {
		out = append(out, f.Name)
	}
	return out
}

// generationC builds the 4.6 client's payload from the backend's answer to
// PUT .../query (protocol reference §5.3): the query translated to DuckDB,
// every feature of every feature group with its type, a connector each.
func generationC(t *testing.T, d demoSession, answer map[string]any, groups map[string]int) []byte {
	t.Helper()
	var stores []string
	features, connectors := obj{}, obj{}
	for key, id := range groups {
		project, table, _ := strings.Cut(key, ".")
		stores = append(stores, project+"_featurestore")
		features[key] = typedFeatures(t, project, table, true)
		connectors[key] = obj{"feature_group_id": id, "time_travel_type": "hudi"}
	}
	return payload(t, obj{"query_string": duckDBTranslation(answer["query"].(string), stores),
		"features": features, "filters": nil, "connectors": connectors})
}

func TestFlightJoinWithSharedStore(t *testing.T) {
	d := newDemoSession(t, Config{})
	u := connectUser(t, d.s, "fraud")
	query := obj{
		"leftFeatureGroup": obj{"id": d.tx},
		"leftFeatures":     feats("tx_id", "amount"),
		"joins": []any{obj{
			"query":  obj{"leftFeatureGroup": obj{"id": d.customers}, "leftFeatures": feats("name", "country")},
			"leftOn": feats("customer_id"), "rightOn": feats("customer_id"), "prefix": "c_"}},
		"filter": obj{"type": "SINGLE", "leftFilter": obj{
			"feature": obj{"name": "amount", "featureGroupId": d.tx}, "condition": "GREATER_THAN", "value": "900"}},
		"hiveEngine": true,
	}
	answer := sql(t, d.s, d.key, d.pid, query)
	p := generationC(t, d, answer, map[string]int{"fraud.transactions_1": d.tx, "bank.customers_1": d.customers})

	customers := localtest.Index(localtest.ReadTable(t, demoDir, "bank", "customers_1"), "customer_id")
	var want [][]string
	for _, tx := range localtest.ReadTable(t, demoDir, "fraud", "transactions_1") {
		if decimal(t, tx["amount"]) <= 900 {
			continue
		}
		for _, c := range customers[tx["customer_id"]] {
			want = append(want, []string{localtest.Text(tx["tx_id"]), localtest.Text(tx["amount"]),
				localtest.Text(c["name"]), localtest.Text(c["country"])})
		}
	}
	require.NotEmpty(t, want)

	ctx := context.Background()
	res, err := u.read(t, ctx, u.withCerts(t, ctx), cmd(p))
	require.NoError(t, err)
	assert.Equal(t, []string{"tx_id", "amount", "c_name", "c_country"}, fieldNames(res.schema))
	assert.Equal(t, localtest.Sorted(want), localtest.Sorted(res.rows))
}

// TestFlightNullFilterValues reads customers through the query
// constructor with filters whose value is null, as the backend renders
// them: IS NULL with EQUALS, a NULL literal with NOT_EQUALS (no row), and
// the disjunction column = v OR column <> v that says IS NOT NULL.
func TestFlightNullFilterValues(t *testing.T) {
	d := newDemoSession(t, Config{})
	u := connectUser(t, d.s, "fraud")
	age := func(cond string, value any) obj {
		return obj{"feature": obj{"name": "age", "featureGroupId": d.customers}, "condition": cond, "value": value}
	}
	rows := func(keep func(localtest.Row) bool) [][]string {
		return oracleRows(t, "bank", "customers_1", keep, "customer_id")
	}
	tests := []struct {
		name   string
		filter obj
		want   [][]string
	}{
		{"equals null", obj{"type": "SINGLE", "leftFilter": age("EQUALS", nil)},
			rows(func(r localtest.Row) bool { return r["age"] == nil })},
		{"not equals null", obj{"type": "SINGLE", "leftFilter": age("NOT_EQUALS", nil)}, nil},
		{"equal or not equal", obj{"type": "OR", "leftFilter": age("EQUALS", "0"), "rightFilter": age("NOT_EQUALS", "0")},
			rows(func(r localtest.Row) bool { return r["age"] != nil })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			answer := sql(t, d.s, d.key, d.pid, obj{"leftFeatureGroup": obj{"id": d.customers},
				"leftFeatures": feats("customer_id"), "filter": tt.filter, "hiveEngine": true})
			p := generationC(t, d, answer, map[string]int{"bank.customers_1": d.customers})
			ctx := context.Background()
			res, err := u.read(t, ctx, u.withCerts(t, ctx), cmd(p))
			require.NoError(t, err)
			assert.Equal(t, localtest.Sorted(tt.want), localtest.Sorted(res.rows))
		})
	}
	require.NotEmpty(t, tests[0].want, "some ages are NULL")
}

// TestFlightTicketRedeemedTwice redeems one ticket twice: the first DoGet
// runs the plan GetFlightInfo made, the second plans the query again, and
// both stream the query's rows.
func TestFlightTicketRedeemedTwice(t *testing.T) {
	d := newDemoSession(t, Config{})
	u := connectUser(t, d.s, "fraud")
	ctx := context.Background()
	info, err := u.client.GetFlightInfo(ctx, cmd(payload(t, obj{
		"query_string": `SELECT "fg0"."tx_id" "tx_id" FROM "fraud.transactions_1" "fg0" WHERE "fg0"."amount" > 900`,
		"features":     obj{"fraud.transactions_1": typedFeatures(t, "fraud", "transactions_1", true)}, "filters": nil,
		"connectors": obj{"fraud.transactions_1": obj{"feature_group_id": d.tx, "time_travel_type": "hudi"}}})))
	require.NoError(t, err)
	want := oracleRows(t, "fraud", "transactions_1", func(r localtest.Row) bool { return decimal(t, r["amount"]) > 900 }, "tx_id")
	require.NotEmpty(t, want)
	for i := range 2 {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		stream, err := u.client.DoGet(u.withCerts(t, ctx), info.Endpoint[0].Ticket)
		require.NoError(t, err)
		rr, err := flight.NewRecordReader(stream, ipc.WithAllocator(mem))
		require.NoError(t, err)
		var got [][]string
		for rr.Next() {
			col := rr.Record().Column(0)
			for j := 0; j < col.Len(); j++ {
				got = append(got, []string{localtest.Text(localtest.Value(col, j))})
			}
		}
		require.NoError(t, rr.Err())
		rr.Release()
		mem.AssertSize(t, 0)
		assert.Equal(t, localtest.Sorted(want), localtest.Sorted(got), "DoGet %d", i+1)
	}
}

func TestFlightSignedPayload(t *testing.T) {
	d := newDemoSession(t, Config{HQSPayload: true})
	u := connectUser(t, d.s, "fraud")
	query := obj{
		"leftFeatureGroup": obj{"id": d.tx},
		"leftFeatures":     feats("tx_id", "customer_id", "amount", "ts"),
		"filter": obj{"type": "SINGLE", "leftFilter": obj{
			"feature": obj{"name": "amount", "featureGroupId": d.tx}, "condition": "GREATER_THAN", "value": "500"}},
	}
	r := construct(t, d.s, d.key, d.pid, query, "True")
	answer := r.object(t)
	signed, sig := []byte(answer["hqsPayload"].(string)), answer["hqsPayloadSignature"].(string)
	require.NotEmpty(t, sig)
	want := oracleRows(t, "fraud", "transactions_1", func(r localtest.Row) bool { return decimal(t, r["amount"]) > 500 },
		"tx_id", "customer_id", "amount", "ts")
	unfiltered := []byte(strings.Replace(string(signed), ` > 500`, ` > 0`, 1))
	require.NotEqual(t, signed, unfiltered)

	withSig := func(sig string) context.Context {
		return metadata.AppendToOutgoingContext(context.Background(), headerSignature, sig)
	}
	ctx := context.Background()
	tests := []struct {
		name    string
		payload []byte
		getCtx  context.Context
		code    codes.Code
	}{
		{"signed payload with its signature", signed, withSig(sig), codes.OK},
		{"signed payload with certificates instead", signed, u.withCerts(t, ctx), codes.OK},
		{"tampered payload", unfiltered, withSig(sig), codes.PermissionDenied},
		{"forged signature", signed, withSig("c2lnbmF0dXJl"), codes.PermissionDenied},
		{"signature not base64", signed, withSig("!!"), codes.PermissionDenied},
		{"neither signature nor certificates", signed, ctx, codes.Unauthenticated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := u.read(t, ctx, tt.getCtx, cmd(tt.payload))
			require.Equal(t, tt.code, status.Code(err), "%v", err)
			if tt.code == codes.OK {
				assert.Equal(t, localtest.Sorted(want), localtest.Sorted(res.rows))
			}
		})
	}
}

func TestFlightOldServiceNeedsRegistration(t *testing.T) {
	s := start(t, Config{FlightNoVersion: true})
	u := connectUser(t, s, "bank")
	p := payload(t, obj{"query_string": `SELECT "fg0"."merchant_id" "merchant_id" FROM "bank.merchants_1" "fg0"`,
		"features": obj{"bank.merchants_1": typedFeatures(t, "bank", "merchants_1", false)}, "filters": nil,
		"connectors": obj{"bank.merchants_1": obj{"type": "hudi"}}})
	ctx := context.Background()
	_, err := u.read(t, ctx, ctx, cmd(p))
	require.Equal(t, codes.Unknown, status.Code(err))
	assert.Contains(t, err.Error(), "Please register client certificates first.")

	_, err = actionResults(ctx, u.client, actionRegisterCertificates, []byte(u.certificatesJSON(t)))
	require.NoError(t, err)
	res, err := u.read(t, ctx, ctx, cmd(p))
	require.NoError(t, err)
	assert.Equal(t, localtest.Sorted(oracleRows(t, "bank", "merchants_1", nil, "merchant_id")), localtest.Sorted(res.rows))
}

func TestFlightReadsOnlyWhatTheCertificateMayRead(t *testing.T) {
	s := start(t, Config{})
	remapped := start(t, Config{Shares: map[string][]string{"marketing": {"fraud"}}})
	selectFrom := func(project, table string) []byte {
		key := project + "." + table
		f := findGroup(t, project, table).Features[0].Name
		return payload(t, obj{"query_string": fmt.Sprintf(`SELECT "fg0"."%s" "%s" FROM "%s" "fg0"`, f, f, key),
			"features": obj{key: typedFeatures(t, project, table, true)}, "filters": nil,
			"connectors": obj{key: obj{"time_travel_type": "hudi"}}})
	}
	tests := []struct {
		name           string
		s              *Server
		user           string
		project, table string
		code           codes.Code
	}{
		{"own store", s, "marketing", "marketing", "campaigns_1", codes.OK},
		{"store shared with the project", s, "fraud", "bank", "customers_1", codes.OK},
		{"store not shared with the project", s, "marketing", "bank", "customers_1", codes.PermissionDenied},
		{"sharing is one way", s, "bank", "fraud", "transactions_1", codes.PermissionDenied},
		{"Config.Shares decides: shared", remapped, "fraud", "marketing", "campaigns_1", codes.OK},
		{"Config.Shares decides: not shared", remapped, "fraud", "bank", "customers_1", codes.PermissionDenied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := connectUser(t, tt.s, tt.user)
			ctx := context.Background()
			res, err := u.read(t, ctx, u.withCerts(t, ctx), cmd(selectFrom(tt.project, tt.table)))
			require.Equal(t, tt.code, status.Code(err), "%v", err)
			if tt.code == codes.OK {
				assert.Len(t, res.rows, len(localtest.ReadTable(t, demoDir, tt.project, tt.table)))
			}
		})
	}

	t.Run("a table the payload does not register", func(t *testing.T) {
		u := connectUser(t, s, "fraud")
		p := payload(t, obj{"query_string": `SELECT "fg0"."name" "name" FROM "bank.customers_1" "fg0"`,
			"features": obj{}, "filters": nil, "connectors": obj{}})
		_, err := u.client.GetFlightInfo(context.Background(), cmd(p))
		require.Equal(t, codes.Unknown, status.Code(err))
		assert.Contains(t, err.Error(), "Table with name bank.customers_1 does not exist")
	})

	t.Run("a ticket is the caller's own", func(t *testing.T) {
		fraud, bank := connectUser(t, s, "fraud"), connectUser(t, s, "bank")
		ctx := context.Background()
		info, err := fraud.client.GetFlightInfo(ctx, cmd(selectFrom("bank", "merchants_1")))
		require.NoError(t, err)
		stream, err := bank.client.DoGet(bank.withCerts(t, ctx), info.Endpoint[0].Ticket)
		require.NoError(t, err)
		_, err = stream.Recv()
		assert.Equal(t, codes.PermissionDenied, status.Code(err), "%v", err)
	})
}

func TestFlightRefusesWhatItCannotRun(t *testing.T) {
	s := start(t, Config{})
	u := connectUser(t, s, "fraud")
	tx := typedFeatures(t, "fraud", "transactions_1", true)
	spend := typedFeatures(t, "fraud", "customer_spend_1", true)
	tests := []struct {
		name    string
		payload string
		code    codes.Code
		msg     string
	}{
		{"ASOF join", string(payload(t, obj{
			"query_string": `SELECT "fg1"."tx_id" "tx_id", "fg0"."spend_7d" "spend_7d" FROM "fraud.transactions_1" "fg1" ` +
				`ASOF LEFT JOIN "fraud.customer_spend_1" "fg0" ON "fg1"."customer_id" = "fg0"."customer_id" AND "fg1"."ts" >= "fg0"."ts"`,
			"features": obj{"fraud.transactions_1": tx, "fraud.customer_spend_1": spend}, "filters": nil,
			"connectors": obj{"fraud.transactions_1": obj{"time_travel_type": "hudi"}, "fraud.customer_spend_1": obj{"time_travel_type": "hudi"}}})),
			codes.Unknown, "ASOF joins are not supported"},
		{"external feature group", string(payload(t, obj{"query_string": `SELECT * FROM "fraud.transactions_1"`,
			"features": obj{"fraud.transactions_1": tx}, "filters": nil,
			"connectors": obj{"fraud.transactions_1": obj{"time_travel_type": nil, "type": "SNOWFLAKE", "options": obj{}, "query": "select 1"}}})),
			codes.Unimplemented, "not external ones"},
		{"wrong feature group id", string(payload(t, obj{"query_string": `SELECT * FROM "fraud.transactions_1"`,
			"features": obj{"fraud.transactions_1": tx}, "filters": nil,
			"connectors": obj{"fraud.transactions_1": obj{"feature_group_id": 1, "time_travel_type": "hudi"}}})),
			codes.InvalidArgument, "feature_group_id 1"},
		{"unknown feature", string(payload(t, obj{"query_string": `SELECT * FROM "fraud.transactions_1"`,
			"features": obj{"fraud.transactions_1": []any{"tx_id", "colour"}}, "filters": nil,
			"connectors": obj{"fraud.transactions_1": obj{"type": "hudi"}}})),
			codes.Unknown, `"colour"`},
		{"wrong feature type", string(payload(t, obj{"query_string": `SELECT * FROM "fraud.transactions_1"`,
			"features": obj{"fraud.transactions_1": []any{obj{"name": "tx_id", "type": "string"}}}, "filters": nil,
			"connectors": obj{"fraud.transactions_1": obj{"type": "hudi"}}})),
			codes.InvalidArgument, "tx_id has type bigint"},
		{"no query", `{"features": {}}`, codes.InvalidArgument, "no query_string"},
		{"not JSON", `SELECT 1`, codes.InvalidArgument, "not a Hopsworks query payload"},
		{"SQL hopsql cannot read", string(payload(t, obj{"query_string": `SELECT FROM WHERE "fraud.transactions_1"`,
			"features": obj{"fraud.transactions_1": tx}, "filters": nil, "connectors": obj{}})),
			codes.Unknown, "syntax error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := u.client.GetFlightInfo(context.Background(), cmd([]byte(tt.payload)))
			require.Equal(t, tt.code, status.Code(err), "%v", err)
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
}

func TestFlightWireTypes(t *testing.T) {
	s := start(t, Config{})
	u := connectUser(t, s, "fraud")
	// The offline type to Arrow mapping of protocol reference §7.
	arrowOf := map[string]arrow.DataType{
		"bigint": arrow.PrimitiveTypes.Int64, "int": arrow.PrimitiveTypes.Int32, "double": arrow.PrimitiveTypes.Float64,
		"boolean": arrow.FixedWidthTypes.Boolean, "string": arrow.BinaryTypes.String, "date": arrow.FixedWidthTypes.Date32,
		"timestamp": &arrow.TimestampType{Unit: arrow.Microsecond}, "decimal(12,2)": &arrow.Decimal128Type{Precision: 12, Scale: 2},
	}
	for _, g := range []struct{ project, table string }{{"fraud", "transactions_1"}, {"bank", "customers_1"}} {
		t.Run(g.project+"."+g.table, func(t *testing.T) {
			key := g.project + "." + g.table
			p := payload(t, obj{"query_string": fmt.Sprintf(`SELECT * FROM "%s" "fg0" LIMIT 1`, key),
				"features": obj{key: typedFeatures(t, g.project, g.table, true)}, "filters": nil,
				"connectors": obj{key: obj{"time_travel_type": "hudi"}}})
			info, err := u.client.GetFlightInfo(context.Background(), cmd(p))
			require.NoError(t, err)
			schema, err := flight.DeserializeSchema(info.Schema, nil)
			require.NoError(t, err)
			features := findGroup(t, g.project, g.table).Features
			require.Equal(t, len(features), schema.NumFields())
			for i, f := range features {
				want, ok := arrowOf[f.Type]
				require.True(t, ok, "no §7 mapping in the test for %s", f.Type)
				assert.Equal(t, f.Name, schema.Field(i).Name)
				assert.True(t, arrow.TypeEqual(want, schema.Field(i).Type), "%s: %s on the wire, %s in §7", f.Name, schema.Field(i).Type, want)
			}
		})
	}
}
