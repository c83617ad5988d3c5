package planner

import (
	"context"
	"errors"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/catalog"
	"github.com/hopsql/hopsql/connector"
	"github.com/hopsql/hopsql/connector/local"
	"github.com/hopsql/hopsql/connector/local/localtest"
	"github.com/hopsql/hopsql/engine"
)

// showPlanner returns a planner for project over the demo store.
func showPlanner(t *testing.T, project string) *Planner {
	t.Helper()
	wh, err := local.Open(demoWarehouse)
	require.NoError(t, err)
	cat, err := catalog.New(context.Background(), wh, project)
	require.NoError(t, err)
	return New(cat)
}

// run plans and runs sql in project under a checked allocator and returns
// the result's schema and rows as text.
func showRun(t *testing.T, project, sql string) (*arrow.Schema, [][]string) {
	t.Helper()
	plan, err := showPlanner(t, project).Plan(context.Background(), sql)
	require.NoError(t, err, sql)
	return showRunPlan(t, plan, sql)
}

func showRunPlan(t *testing.T, plan *Plan, sql string) (*arrow.Schema, [][]string) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rr, err := plan.Run(context.Background(), &engine.Exec{Mem: mem, Parallelism: 2})
	require.NoError(t, err, sql)
	defer rr.Release()
	require.True(t, plan.Schema().Equal(rr.Schema()), sql)
	return rr.Schema(), localtest.Rows(t, rr)
}

func showFieldNames(s *arrow.Schema) []string {
	var names []string
	for _, f := range s.Fields() {
		names = append(names, f.Name)
	}
	return names
}

// demoGroups reads the feature groups of a demo project straight from the
// store, as the oracle for SHOW TABLES and DESCRIBE.
func showDemoGroups(t *testing.T, project string) []*connector.FeatureGroup {
	t.Helper()
	wh, err := local.Open(demoWarehouse)
	require.NoError(t, err)
	fgs, err := wh.FeatureGroups(context.Background(), project)
	require.NoError(t, err)
	return fgs
}

func showDemoGroup(t *testing.T, project, table string) *connector.FeatureGroup {
	t.Helper()
	for _, fg := range showDemoGroups(t, project) {
		if fg.TableName() == table {
			return fg
		}
	}
	t.Fatalf("no %s::%s in the demo store", project, table)
	return nil
}

func TestShowDatabases(t *testing.T) {
	spellings := []string{
		"SHOW DATABASES",
		"show schemas;",
		"Show Feature Stores ; ",
		"  SHOW\n  FEATURE -- stores, really\n STORES /* all */;\n",
	}
	want := map[string][][]string{
		"fraud":     {{"fraud_featurestore", "fraud", "false", ""}, {"bank_featurestore", "bank", "true", ""}},
		"bank":      {{"bank_featurestore", "bank", "false", ""}},
		"marketing": {{"marketing_featurestore", "marketing", "false", ""}},
	}
	for project, rows := range want {
		for _, sql := range spellings {
			schema, got := showRun(t, project, sql)
			assert.Equal(t, []string{"feature_store", "project", "shared", "description"}, showFieldNames(schema), sql)
			assert.Equal(t, arrow.FixedWidthTypes.Boolean, schema.Field(2).Type)
			assert.Equal(t, rows, got, "%s in %s", sql, project)
		}
	}
}

// showTablesOracle is what SHOW TABLES should list for a demo project.
func showTablesOracle(t *testing.T, project string) [][]string {
	var rows [][]string
	for _, fg := range showDemoGroups(t, project) {
		et := "NULL"
		if fg.EventTime != "" {
			et = fg.EventTime
		}
		rows = append(rows, []string{fg.TableName(), fg.Name, localtest.Text(int64(fg.Version)),
			localtest.Text(int64(len(fg.Features))), strings.Join(fg.PrimaryKey, ","), et, fg.Description})
	}
	sort.Slice(rows, func(i, j int) bool {
		return rows[i][1] < rows[j][1] || rows[i][1] == rows[j][1] && rows[i][2] < rows[j][2]
	})
	return rows
}

func TestShowTables(t *testing.T) {
	for _, tc := range []struct {
		session, sql, project string
	}{
		{"fraud", "SHOW TABLES", "fraud"},
		{"fraud", "show feature groups;", "fraud"},
		{"fraud", "SHOW TABLES FROM fraud", "fraud"},
		{"fraud", "SHOW TABLES FROM bank", "bank"},
		{"fraud", "show tables in BANK", "bank"},
		{"fraud", "SHOW TABLES FROM bank_featurestore", "bank"},
		{"fraud", "SHOW TABLES FROM `Bank_FeatureStore`;", "bank"},
		{"fraud", "SHOW FEATURE GROUPS IN `bank`", "bank"},
		{"bank", "SHOW TABLES", "bank"},
		{"marketing", "SHOW FEATURE GROUPS FROM marketing", "marketing"},
	} {
		schema, got := showRun(t, tc.session, tc.sql)
		assert.Equal(t, []string{"table_name", "feature_group", "version", "features", "primary_key", "event_time", "description"}, showFieldNames(schema))
		assert.Equal(t, arrow.PrimitiveTypes.Int64, schema.Field(2).Type)
		assert.Equal(t, showTablesOracle(t, tc.project), got, "%s in %s", tc.sql, tc.session)
	}

	// Spelled out once, so that the oracle is not the only witness.
	_, got := showRun(t, "fraud", "SHOW TABLES")
	assert.Equal(t, [][]string{
		{"customer_spend_1", "customer_spend", "1", "4", "customer_id,ts", "ts", "Daily snapshots of the most active customers' recent spending, computed from transactions_1"},
		{"transactions_1", "transactions", "1", "7", "tx_id", "ts", "Card payments in the first quarter of 2026, in time order"},
	}, got)
	_, got = showRun(t, "fraud", "SHOW TABLES FROM bank")
	require.Len(t, got, 3)
	assert.Equal(t, []string{"customers_1", "customers", "1", "7", "customer_id", "NULL", "The bank's card customers, one row per customer"}, got[0])
	assert.Equal(t, []string{"customers_2", "customers", "2", "8"}, got[1][:4])
	assert.Equal(t, "merchants_1", got[2][0])
}

func TestShowTablesFromInformationSchema(t *testing.T) {
	_, got := showRun(t, "marketing", "SHOW TABLES FROM information_schema")
	var names []string
	for _, r := range got {
		names = append(names, r[0])
	}
	assert.Equal(t, []string{"columns", "schemata", "tables"}, names)
}

// describeOracle is what DESCRIBE should say about a demo table.
func showDescribeOracle(t *testing.T, project, table string) [][]string {
	fg := showDemoGroup(t, project, table)
	var rows [][]string
	for _, f := range fg.Features {
		key := ""
		if f.Primary {
			key = "PRI"
		}
		rows = append(rows, []string{f.Name, strings.ToUpper(f.Type), "YES", key, localtest.Text(f.Name == fg.EventTime), f.Description})
	}
	return rows
}

func TestDescribe(t *testing.T) {
	for _, tc := range []struct {
		session, sql    string
		project, table  string
		latestOfVersion bool
	}{
		{"fraud", "DESCRIBE bank::customers_1", "bank", "customers_1", false},
		{"fraud", "desc bank::customers_1;", "bank", "customers_1", false},
		{"fraud", "DESCRIBE Bank :: Customers_1", "bank", "customers_1", false},
		{"fraud", "DESCRIBE `bank`::`customers_1`", "bank", "customers_1", false},
		{"fraud", "DESCRIBE `bank_featurestore`.`customers_1`", "bank", "customers_1", false},
		{"fraud", "DESCRIBE bank_featurestore.customers_1", "bank", "customers_1", false},
		{"fraud", "DESCRIBE bank.customers_1", "bank", "customers_1", false},
		{"fraud", "SHOW COLUMNS FROM bank::customers_1", "bank", "customers_1", false},
		{"fraud", "SHOW FEATURES IN bank::customers_1 ;", "bank", "customers_1", false},
		{"fraud", "SHOW COLUMNS FROM customers_1 FROM bank", "bank", "customers_1", false},
		{"fraud", "show columns in customers_1 in `bank_featurestore`", "bank", "customers_1", false},
		{"fraud", "DESCRIBE bank::customers", "bank", "customers_2", true},
		{"fraud", "SHOW FEATURES FROM `bank_featurestore`.`customers`", "bank", "customers_2", true},
		{"fraud", "DESCRIBE transactions_1", "fraud", "transactions_1", false},
		{"fraud", "DESCRIBE transactions", "fraud", "transactions_1", false},
		{"fraud", "DESCRIBE customer_spend", "fraud", "customer_spend_1", false},
		{"bank", "DESCRIBE customers", "bank", "customers_2", true},
		{"bank", "DESCRIBE merchants_1", "bank", "merchants_1", false},
		{"marketing", "DESCRIBE campaigns_1", "marketing", "campaigns_1", false},
	} {
		schema, got := showRun(t, tc.session, tc.sql)
		assert.Equal(t, []string{"column_name", "column_type", "null", "key", "event_time", "description"}, showFieldNames(schema))
		assert.Equal(t, showDescribeOracle(t, tc.project, tc.table), got, "%s in %s", tc.sql, tc.session)
	}

	_, got := showRun(t, "fraud", "DESCRIBE transactions_1")
	assert.Equal(t, []string{"tx_id", "BIGINT", "YES", "PRI", "false", "Payment number, unique, increasing with ts"}, got[0])
	assert.Equal(t, []string{"amount", "DECIMAL(12,2)", "YES", "", "false", "Amount paid, in currency"}, got[3])
	assert.Equal(t, []string{"ts", "TIMESTAMP", "YES", "", "true", "Time of the payment, UTC"}, got[5])
	_, got = showRun(t, "fraud", "DESCRIBE bank::customers")
	assert.Equal(t, "email_domain", got[len(got)-1][0], "the latest version has email_domain")
}

func TestDescribeInformationSchema(t *testing.T) {
	for _, sql := range []string{
		"DESCRIBE information_schema.columns",
		"DESCRIBE `information_schema`.`columns`",
		"DESCRIBE INFORMATION_SCHEMA.COLUMNS",
		"SHOW COLUMNS FROM columns FROM information_schema",
	} {
		_, got := showRun(t, "marketing", sql)
		var names []string
		for _, r := range got {
			names = append(names, r[0]+" "+r[1]+" "+r[3])
		}
		assert.Equal(t, []string{
			"table_catalog STRING ", "table_schema STRING PRI", "table_name STRING PRI", "column_name STRING PRI",
			"ordinal_position BIGINT ", "data_type STRING ", "is_nullable STRING ", "column_comment STRING ",
			"is_primary_key BOOLEAN ", "is_event_time BOOLEAN ",
		}, names, sql)
	}
}

func TestCatalogStatementErrors(t *testing.T) {
	for _, tc := range []struct {
		session, sql string
		want         []string // substrings of the message
		is           error    // errors.Is target, if any
	}{
		{"fraud", "SHOW TABLES FROM marketing", []string{"line 1, column 18", `"marketing_featurestore" is not shared with project "fraud"`}, catalog.ErrNotShared},
		{"fraud", "SHOW TABLES FROM marketing_featurestore", []string{"line 1, column 18", "not shared"}, catalog.ErrNotShared},
		{"fraud", "SHOW TABLES FROM bnak", []string{"line 1, column 18", `project "bnak" not found: did you mean bank?`}, catalog.ErrNotFound},
		{"bank", "show tables in fraud", []string{"line 1, column 16", "not shared"}, catalog.ErrNotShared},
		{"fraud", "SHOW TABLES FROM `ba-nk`", []string{"line 1, column 18", `invalid project name "ba-nk"`}, nil},
		{"fraud", "DESCRIBE marketing::campaigns_1", []string{"line 1, column 10", "not shared"}, catalog.ErrNotShared},
		{"fraud", "DESCRIBE bank::customers_9", []string{"line 1, column 10", `feature group "customers_9" not found in project "bank": did you mean bank::customers_1`}, catalog.ErrNotFound},
		{"fraud", "DESCRIBE\n  transaction_1", []string{"line 2, column 3", "did you mean transactions_1"}, catalog.ErrNotFound},
		{"fraud", "SHOW COLUMNS FROM nowhere::t_1", []string{"line 1, column 19", `project "nowhere" not found`}, catalog.ErrNotFound},
		{"fraud", "SHOW COLUMNS FROM customers_1 FROM marketing", []string{"line 1, column 19", "not shared"}, catalog.ErrNotShared},
		{"fraud", "DESCRIBE information_schema.table", []string{"did you mean information_schema.tables"}, catalog.ErrNotFound},
		{"fraud", "DESCRIBE SELECT 1", []string{"line 1, column 10", "DESCRIBE of a query"}, ErrNotSupported},
	} {
		_, err := showPlanner(t, tc.session).Plan(context.Background(), tc.sql)
		require.Error(t, err, tc.sql)
		for _, w := range tc.want {
			assert.Contains(t, err.Error(), w, tc.sql)
		}
		if tc.is != nil {
			assert.ErrorIs(t, err, tc.is, tc.sql)
		}
		var pe *Error
		assert.True(t, errors.As(err, &pe), "%s: %T is a located *Error", tc.sql, err)
	}
}

func TestCatalogStatementSyntaxErrors(t *testing.T) {
	for _, tc := range []struct {
		sql          string
		line, column int
		msg          string
	}{
		{"SHOW", 1, 5, "expected DATABASES, SCHEMAS, FEATURE STORES, TABLES"},
		{"SHOW VARIABLES", 1, 6, "expected DATABASES"},
		{"SHOW FEATURE", 1, 13, "expected STORES or GROUPS"},
		{"SHOW FEATURE TABLES", 1, 14, "expected STORES or GROUPS"},
		{"SHOW DATABASES junk", 1, 16, "expected the end of the statement"},
		{"SHOW DATABASES; SHOW TABLES", 1, 17, "run one statement at a time"},
		{"SHOW DATABASES;;", 1, 16, "run one statement at a time"},
		{"SHOW TABLES junk", 1, 13, "expected FROM <project> or the end of the statement"},
		{"SHOW TABLES FROM", 1, 17, "expected a project or feature store name"},
		{"SHOW TABLES FROM 'bank'", 1, 18, "expected a project or feature store name"},
		{"SHOW TABLES FROM bank extra", 1, 23, "expected the end of the statement"},
		{"SHOW FEATURE GROUPS FROM bank.x", 1, 30, "expected the end of the statement"},
		{"SHOW TABLES\nFROM bank\n  oops", 3, 3, "expected the end"},
		{"SHOW COLUMNS bank::customers_1", 1, 14, "expected FROM and a table name after SHOW COLUMNS"},
		{"SHOW FEATURES", 1, 14, "expected FROM and a table name after SHOW FEATURES"},
		{"SHOW COLUMNS FROM", 1, 18, "expected a table name"},
		{"SHOW COLUMNS FROM bank::customers_1 FROM bank", 1, 42, "already qualified"},
		{"SHOW COLUMNS FROM bank.customers_1 IN bank", 1, 39, "already qualified"},
		{"SHOW COLUMNS FROM customers_1 FROM", 1, 35, "expected a project"},
		{"DESCRIBE", 1, 9, "expected a table name"},
		{"DESC 42", 1, 6, "expected a table name"},
		{"DESCRIBE bank_featurestore.", 1, 28, "expected a table name after `bank_featurestore`."},
		{"DESCRIBE bank::customers_1 extra", 1, 28, "expected the end of the statement"},
		{"DESCRIBE bank.customers_1.x", 1, 26, "expected the end of the statement"},
		{"DESCRIBE customers_1, customers_2", 1, 21, "expected the end of the statement"},
		{"EXPLAIN SHOW TABLES x", 1, 21, "expected FROM <project>"},
		{"/* c */ DESCRIBE bank :: customers_1 x", 1, 38, "expected the end"},
	} {
		_, err := showPlanner(t, "fraud").Plan(context.Background(), tc.sql)
		var se *SyntaxError
		require.True(t, errors.As(err, &se), "%s: %v", tc.sql, err)
		assert.Equal(t, [2]int{tc.line, tc.column}, [2]int{se.Line, se.Column}, "%s: %v", tc.sql, err)
		assert.Contains(t, se.Msg, tc.msg, tc.sql)
	}
}

func TestExplainCatalogStatement(t *testing.T) {
	for _, tc := range []struct{ sql, want string }{
		{"EXPLAIN SHOW TABLES FROM bank", "Values feature groups of bank_featurestore (3 rows)"},
		{"explain show databases", "Values feature stores readable by project fraud (2 rows)"},
		{"EXPLAIN DESCRIBE bank::customers", "Values features of bank::customers_2, the latest version of customers (8 rows)"},
		{"EXPLAIN DESC transactions_1", "Values features of fraud::transactions_1 (7 rows)"},
	} {
		plan, err := showPlanner(t, "fraud").Plan(context.Background(), tc.sql)
		require.NoError(t, err, tc.sql)
		assert.True(t, plan.IsExplain())
		_, got := showRunPlan(t, plan, tc.sql)
		assert.Equal(t, [][]string{{tc.want}}, got, tc.sql)
	}
}

func TestCatalogStatementPlanRunsAgain(t *testing.T) {
	plan, err := showPlanner(t, "fraud").Plan(context.Background(), "DESCRIBE transactions_1")
	require.NoError(t, err)
	_, first := showRunPlan(t, plan, "first run")
	_, second := showRunPlan(t, plan, "second run")
	assert.Len(t, first, 7)
	assert.Equal(t, first, second)
}

func TestCatalogStatementEmptyResult(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, local.WriteProject(dir, local.ProjectFile{Name: "empty", Description: "Nothing yet"}))
	wh, err := local.Open(dir)
	require.NoError(t, err)
	cat, err := catalog.New(context.Background(), wh, "empty")
	require.NoError(t, err)
	p := New(cat)

	plan, err := p.Plan(context.Background(), "SHOW TABLES")
	require.NoError(t, err)
	schema, got := showRunPlan(t, plan, "SHOW TABLES")
	assert.Equal(t, 7, schema.NumFields())
	assert.Empty(t, got)

	plan, err = p.Plan(context.Background(), "SHOW DATABASES")
	require.NoError(t, err)
	_, got = showRunPlan(t, plan, "SHOW DATABASES")
	assert.Equal(t, [][]string{{"empty_featurestore", "empty", "false", "Nothing yet"}}, got)
}

func TestOtherStatementsAreNotCatalogStatements(t *testing.T) {
	p := showPlanner(t, "fraud")
	for _, sql := range []string{"SELECT 1", "SELECT * FROM transactions_1", "EXPLAIN SELECT tx_id FROM transactions_1", "showtables"} {
		src, err := prepare(sql)
		require.NoError(t, err)
		plan, ok, err := p.planCatalogStatement(context.Background(), src)
		assert.False(t, ok, sql)
		assert.NoError(t, err, sql)
		assert.Nil(t, plan, sql)
	}
}

func TestInformationSchemaQueries(t *testing.T) {
	bank := [][]string{{"customers_1"}, {"customers_2"}, {"merchants_1"}}
	for _, tc := range []struct {
		session, sql string
		want         [][]string // in any order
	}{
		{"fraud", "SELECT table_name FROM information_schema.tables WHERE table_schema = 'bank_featurestore'", bank},
		{"fraud", "SELECT table_name FROM `information_schema`.`tables` WHERE table_schema = 'bank_featurestore'", bank},
		{"fraud", "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'bank_featurestore'", bank},
		{"fraud", "SELECT table_name FROM information_schema.tables WHERE table_schema IN ('bank_featurestore', 'marketing_featurestore')", bank},
		{"fraud", "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marketing_featurestore'", nil},
		{"fraud", "SELECT table_name, feature_group, version FROM information_schema::tables WHERE version > 1",
			[][]string{{"customers_2", "customers", "2"}}},
		{"fraud", "SELECT table_schema, table_name, table_type FROM information_schema.tables", [][]string{
			{"fraud_featurestore", "customer_spend_1", "BASE TABLE"}, {"fraud_featurestore", "transactions_1", "BASE TABLE"},
			{"bank_featurestore", "customers_1", "BASE TABLE"}, {"bank_featurestore", "customers_2", "BASE TABLE"},
			{"bank_featurestore", "merchants_1", "BASE TABLE"},
		}},
		{"fraud", "SELECT catalog_name, schema_name, schema_owner, shared FROM information_schema.schemata",
			[][]string{{"hopsql", "fraud_featurestore", "fraud", "false"}, {"hopsql", "bank_featurestore", "bank", "true"}}},
		{"fraud", "SELECT schema_name FROM information_schema.schemata WHERE shared", [][]string{{"bank_featurestore"}}},
		{"fraud", "SELECT schema_name FROM information_schema.schemata WHERE schema_name = 'marketing_featurestore'", nil},
		{"marketing", "SELECT schema_name, shared FROM information_schema.schemata", [][]string{{"marketing_featurestore", "false"}}},
		{"bank", "SELECT table_name FROM information_schema.tables", bank},
		{"fraud", "SELECT column_name, data_type, ordinal_position, is_nullable, is_primary_key, is_event_time FROM information_schema.columns " +
			"WHERE table_schema = 'fraud_featurestore' AND table_name = 'transactions_1'", [][]string{
			{"tx_id", "BIGINT", "1", "YES", "true", "false"},
			{"customer_id", "BIGINT", "2", "YES", "false", "false"},
			{"merchant_id", "BIGINT", "3", "YES", "false", "false"},
			{"amount", "DECIMAL(12,2)", "4", "YES", "false", "false"},
			{"currency", "STRING", "5", "YES", "false", "false"},
			{"ts", "TIMESTAMP", "6", "YES", "false", "true"},
			{"is_fraud", "BOOLEAN", "7", "YES", "false", "false"},
		}},
		{"fraud", "SELECT table_name, column_name FROM information_schema.columns WHERE is_event_time",
			[][]string{{"customer_spend_1", "ts"}, {"transactions_1", "ts"}}},
		{"fraud", "SELECT t.table_name, c.column_name FROM information_schema.tables t JOIN information_schema.columns c " +
			"ON t.table_schema = c.table_schema AND t.table_name = c.table_name WHERE t.version = 2", [][]string{
			{"customers_2", "customer_id"}, {"customers_2", "name"}, {"customers_2", "age"}, {"customers_2", "country"},
			{"customers_2", "segment"}, {"customers_2", "signup_date"}, {"customers_2", "credit_limit"}, {"customers_2", "email_domain"},
		}},
	} {
		_, got := showRun(t, tc.session, tc.sql)
		assert.Equal(t, localtest.Sorted(tc.want), localtest.Sorted(got), "%s in %s", tc.sql, tc.session)
	}
}

// infoSchemaOracle lists what information_schema.tables and .columns
// should hold for a session, read from the demo store without the catalog.
func showInfoSchemaOracle(t *testing.T, session string) (tables, columns [][]string) {
	t.Helper()
	wh, err := local.Open(demoWarehouse)
	require.NoError(t, err)
	stores, err := wh.Stores(context.Background(), session)
	require.NoError(t, err)
	for _, s := range stores {
		for _, fg := range showDemoGroups(t, s.Project) {
			schema := s.Project + "_featurestore"
			tables = append(tables, []string{"hopsql", schema, fg.TableName(), "BASE TABLE", fg.Description, fg.Name, localtest.Text(int64(fg.Version))})
			for i, f := range fg.Features {
				columns = append(columns, []string{"hopsql", schema, fg.TableName(), f.Name, localtest.Text(int64(i + 1)),
					strings.ToUpper(f.Type), "YES", f.Description, localtest.Text(f.Primary), localtest.Text(f.Name == fg.EventTime)})
			}
		}
	}
	return tables, columns
}

func TestInformationSchemaMatchesStore(t *testing.T) {
	for _, session := range []string{"fraud", "bank", "marketing"} {
		tables, columns := showInfoSchemaOracle(t, session)
		schema, got := showRun(t, session, "SELECT * FROM information_schema.tables")
		assert.Equal(t, []string{"table_catalog", "table_schema", "table_name", "table_type", "table_comment", "feature_group", "version"}, showFieldNames(schema))
		assert.Equal(t, localtest.Sorted(tables), localtest.Sorted(got), session)

		schema, got = showRun(t, session, "SELECT * FROM information_schema.columns")
		assert.Equal(t, []string{"table_catalog", "table_schema", "table_name", "column_name", "ordinal_position", "data_type",
			"is_nullable", "column_comment", "is_primary_key", "is_event_time"}, showFieldNames(schema))
		assert.Equal(t, localtest.Sorted(columns), localtest.Sorted(got), session)
	}
}

func TestInformationSchemaExplain(t *testing.T) {
	_, got := showRun(t, "fraud", "EXPLAIN SELECT table_name FROM information_schema.tables WHERE table_schema = 'bank_featurestore'")
	var text []string
	for _, r := range got {
		text = append(text, r[0])
	}
	plan := strings.Join(text, "\n")
	assert.Contains(t, plan, "Scan information_schema.tables")
	assert.Contains(t, plan, "limited to stores bank_featurestore by the filters on table_schema")
}

func TestInformationSchemaUnknownView(t *testing.T) {
	_, err := showPlanner(t, "fraud").Plan(context.Background(), "SELECT * FROM information_schema.tabels")
	require.Error(t, err)
	assert.ErrorIs(t, err, catalog.ErrNotFound)
	assert.Contains(t, err.Error(), "did you mean information_schema.tables")
}
