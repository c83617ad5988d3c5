package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// testCatalog is a catalog shaped like the demo store's, as the session
// of project fraud sees it.
func testCatalog() *catalogNames {
	col := func(names ...string) []catalogColumn {
		cols := make([]catalogColumn, len(names))
		for i, n := range names {
			cols[i] = catalogColumn{name: n}
		}
		return cols
	}
	return &catalogNames{
		project:  "fraud",
		projects: []string{"fraud", "bank"},
		tables: []*catalogTable{
			{project: "fraud", name: "transactions_1", group: "transactions", version: 1,
				columns: col("tx_id", "customer_id", "merchant_id", "amount", "currency", "ts", "is_fraud")},
			{project: "fraud", name: "customer_spend_1", group: "customer_spend", version: 1,
				columns: col("customer_id", "ts", "spend_7d", "tx_count_7d")},
			{project: "bank", name: "customers_1", group: "customers", version: 1,
				columns: col("customer_id", "name", "age", "segment")},
			{project: "bank", name: "customers_2", group: "customers", version: 2,
				columns: col("customer_id", "name", "age", "segment", "email_domain")},
			{project: "bank", name: "merchants_1", group: "merchants", version: 1,
				columns: col("merchant_id", "name", "category")},
			{project: infoSchema, name: "tables", group: "tables", version: 1,
				columns: col("table_schema", "table_name")},
		},
	}
}

func TestComplete(t *testing.T) {
	cat := testCatalog()
	tests := []struct {
		name string
		buf  string // | marks the cursor; without one it is at the end
		cat  *catalogNames
		word string
		want []string
	}{
		{"keyword", "SEL", cat, "SEL", []string{"SELECT"}},
		{"keyword in the word's case", "sel", cat, "sel", []string{"select"}},
		{"keyword without a catalog", "SELECT * FR", nil, "FR", []string{"FROM"}},
		{"project tables", "SELECT * FROM bank::cu", cat, "bank::cu", []string{"bank::customers_1", "bank::customers_2"}},
		{"project tables in any case", "SELECT * FROM BANK::M", cat, "BANK::M", []string{"BANK::merchants_1"}},
		{"unknown project", "SELECT * FROM nobody::cu", cat, "nobody::cu", nil},
		{"project as a schema", "SELECT * FROM bank.me", cat, "bank.me", []string{"bank.merchants_1"}},
		{"feature store as a schema", "SELECT * FROM bank_featurestore.me", cat, "bank_featurestore.me", []string{"bank_featurestore.merchants_1"}},
		{"catalog views", "SELECT * FROM information_schema.ta", cat, "information_schema.ta", []string{"information_schema.tables"}},
		{"after FROM: tables and projects", "SELECT * FROM ", cat, "",
			[]string{"bank::", "customer_spend_1", "fraud::", "information_schema.", "transactions_1"}},
		{"after JOIN: no columns", "SELECT * FROM transactions_1 JOIN c", cat, "c", []string{"customer_spend_1"}},
		{"columns of the table named later", "SELECT am| FROM transactions_1", cat, "am", []string{"amount"}},
		{"columns and keywords", "SELECT * FROM transactions_1 WHERE i", cat, "i", []string{"in", "information_schema.", "inner", "intersect", "interval", "is", "is_fraud"}},
		{"columns of an alias", "SELECT t.cu| FROM transactions_1 t", cat, "t.cu", []string{"t.currency", "t.customer_id"}},
		{"columns of an AS alias in a join", "SELECT c.se| FROM transactions_1 t JOIN bank::customers_1 AS c ON t.customer_id = c.customer_id", cat,
			"c.se", []string{"c.segment"}},
		{"columns of a qualified table", "SELECT transactions_1.am| FROM transactions_1", cat, "transactions_1.am", []string{"transactions_1.amount"}},
		{"latest version of a feature group", "SELECT em| FROM bank::customers", cat, "em", []string{"email_domain"}},
		{"columns of a catalog view", "SELECT table_n| FROM information_schema.tables", cat, "table_n", []string{"table_name"}},
		{"only the statement's tables", "SELECT 1 FROM bank::customers_1; SELECT se", cat, "se", []string{"select", "set"}},
		{"inside a string", "SELECT * FROM transactions_1 WHERE currency = 'am", cat, "", nil},
		{"inside a quoted name", "SELECT `am", cat, "", nil},
		{"inside a comment", "SELECT 1 -- am", cat, "", nil},
		{"inside a block comment", "SELECT /* am", cat, "", nil},
		{"after a closed string", "SELECT 'x' A", cat, "A", []string{"ALL", "ANALYZE", "AND", "AS", "ASC", "AVG"}},
		{"on the second line", "SELECT count(*)\nFROM bank::me", cat, "bank::me", []string{"bank::merchants_1"}},
		{"meta-command names", `\fo`, cat, `\fo`, []string{`\format`}},
		{`\d argument`, `\d bank::cu`, cat, "bank::cu", []string{"bank::customers_1", "bank::customers_2"}},
		{`\d own table`, `\d tr`, cat, "tr", []string{"transactions_1"}},
		{`\x argument`, `\x a`, cat, "a", []string{"auto"}},
		{`\format argument`, `\format js`, cat, "js", []string{"json", "jsonl"}},
		{"no argument to complete", `\q x`, cat, "x", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			buf, cursor := tc.buf, len(tc.buf)
			if i := strings.IndexByte(buf, '|'); i >= 0 {
				buf, cursor = buf[:i]+buf[i+1:], i
			}
			got := complete(buf, cursor, tc.cat)
			if tc.want != nil {
				assert.Equal(t, tc.word, got.word)
			}
			assert.Equal(t, tc.want, got.candidates)
		})
	}
}

func TestCompleteCursorOutOfRange(t *testing.T) {
	// A cursor past the end, as an editor might report, is the end.
	got := complete("SEL", 10, nil)
	assert.Equal(t, []string{"SELECT"}, got.candidates)
	// One before the start is the start: the word is empty.
	got = complete("SEL", -1, nil)
	assert.Equal(t, "", got.word)
	assert.Contains(t, got.candidates, "SELECT")
}

func TestCatalogResolve(t *testing.T) {
	cat := testCatalog()
	tests := []struct {
		ref  string
		want string // project::name, "" for none
	}{
		{"transactions_1", "fraud::transactions_1"},
		{"TRANSACTIONS_1", "fraud::transactions_1"},
		{"transactions", "fraud::transactions_1"},
		{"bank::customers", "bank::customers_2"},
		{"bank::customers_1", "bank::customers_1"},
		{"`bank`::customers_1", "bank::customers_1"},
		{"bank.customers_1", "bank::customers_1"},
		{"bank_featurestore.merchants", "bank::merchants_1"},
		{"information_schema.tables", "information_schema::tables"},
		{"customers_1", ""}, // not in the session's project
		{"nobody::customers_1", ""},
		{"nobody.customers_1", ""},
	}
	for _, tc := range tests {
		got := cat.resolve(tc.ref)
		if tc.want == "" {
			assert.Nil(t, got, tc.ref)
			continue
		}
		if assert.NotNil(t, got, tc.ref) {
			assert.Equal(t, tc.want, got.project+"::"+got.name, tc.ref)
		}
	}
	assert.Nil(t, (*catalogNames)(nil).resolve("transactions_1"))
}

func TestLexSQL(t *testing.T) {
	toks := lexSQL("SELECT t.a, 'it''s' FROM bank::c_1 t -- x\n/* y */ `q`;")
	var got []string
	for _, tk := range toks {
		got = append(got, tk.text)
	}
	assert.Equal(t, []string{"SELECT", "t.a", ",", "'it''s'", "FROM", "bank::c_1", "t", "-- x", "/* y */", "`q`", ";"}, got)
	open := lexSQL("SELECT 'abc")
	assert.True(t, open[len(open)-1].open)
	assert.Equal(t, tokString, open[len(open)-1].kind)
}
