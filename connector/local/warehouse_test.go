package local

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/hopsql/hopsql/connector"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// makeWarehouse writes files, given by slash-separated paths relative to a
// new warehouse directory, and opens the warehouse.
func makeWarehouse(t *testing.T, files map[string]string) *Warehouse {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		writeFile(t, filepath.Join(dir, filepath.FromSlash(name)), content)
	}
	w, err := Open(dir)
	require.NoError(t, err)
	return w
}

const customersJSON = `{
  "name": "customers", "version": 1, "description": "bank customers",
  "primary_key": ["customer_id"], "event_time": null,
  "features": [
    {"name": "customer_id", "type": "bigint", "description": "id"},
    {"name": "name", "type": "string"},
    {"name": "signup", "type": "date"}
  ]
}`

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	w, err := Open(dir)
	require.NoError(t, err)
	assert.Equal(t, dir, w.Dir())
	assert.Equal(t, DefaultBatchSize, w.BatchSize)

	_, err = Open(filepath.Join(dir, "missing"))
	require.Error(t, err)
	assert.ErrorIs(t, err, os.ErrNotExist)
	assert.Contains(t, err.Error(), "missing")

	file := filepath.Join(dir, "file")
	writeFile(t, file, "x")
	_, err = Open(file)
	require.Error(t, err)
	assert.Contains(t, err.Error(), file+" is not a directory")
}

func TestProjectsAndStores(t *testing.T) {
	ctx := context.Background()
	w := makeWarehouse(t, map[string]string{
		"Bank/project.json":      `{"name": "BANK", "description": "retail bank", "shared_with": ["Fraud", "marketing"]}`,
		"fraud/.keep":            "",
		"marketing/project.json": `{"shared_with": ["fraud"]}`,
		"zoo/project.json":       `{"shared_with": []}`,
		".hidden/project.json":   `not even JSON`,
		"README.md":              "a file, not a project",
	})

	projects, err := w.Projects(ctx)
	require.NoError(t, err)
	assert.Equal(t, []connector.Store{
		{Project: "bank", Description: "retail bank"},
		{Project: "fraud"},
		{Project: "marketing"},
		{Project: "zoo"},
	}, projects)

	tests := []struct {
		project string
		want    []connector.Store
	}{
		{"fraud", []connector.Store{
			{Project: "fraud"},
			{Project: "bank", Shared: true, Description: "retail bank"},
			{Project: "marketing", Shared: true},
		}},
		{"FRAUD", []connector.Store{
			{Project: "fraud"},
			{Project: "bank", Shared: true, Description: "retail bank"},
			{Project: "marketing", Shared: true},
		}},
		{"bank", []connector.Store{{Project: "bank", Description: "retail bank"}}},
		{"Marketing", []connector.Store{
			{Project: "marketing"},
			{Project: "bank", Shared: true, Description: "retail bank"},
		}},
		{"zoo", []connector.Store{{Project: "zoo"}}},
	}
	for _, tt := range tests {
		t.Run(tt.project, func(t *testing.T) {
			stores, err := w.Stores(ctx, tt.project)
			require.NoError(t, err)
			assert.Equal(t, tt.want, stores)
			assert.Equal(t, tt.want[0].Project+"_featurestore", stores[0].Name())
		})
	}

	_, err = w.Stores(ctx, "nope")
	require.ErrorIs(t, err, connector.ErrNotFound)
	assert.Contains(t, err.Error(), `"nope"`)
	assert.Contains(t, err.Error(), w.Dir())
	assert.Contains(t, err.Error(), "bank, fraud, marketing, zoo")

	_, err = w.FeatureGroups(ctx, "nope")
	require.ErrorIs(t, err, connector.ErrNotFound)

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = w.Stores(cancelled, "fraud")
	require.ErrorIs(t, err, context.Canceled)
}

func TestStoresEmptyWarehouse(t *testing.T) {
	w := makeWarehouse(t, nil)
	projects, err := w.Projects(context.Background())
	require.NoError(t, err)
	assert.Empty(t, projects)
	_, err = w.Stores(context.Background(), "bank")
	require.ErrorIs(t, err, connector.ErrNotFound)
	assert.Contains(t, err.Error(), "has no projects")
}

func TestProjectErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"malformed", map[string]string{"bank/project.json": "{\n  \"shared_with\": [\"fraud\",]\n}"},
			[]string{filepath.FromSlash("bank/project.json"), "line 2, column 27", "malformed JSON"}},
		{"wrong name", map[string]string{"bank/project.json": `{"name": "fraud"}`},
			[]string{filepath.FromSlash("bank/project.json"), `"name" is "fraud"`, `directory is "bank"`}},
		{"wrong type", map[string]string{"bank/project.json": `{"shared_with": "fraud"}`},
			[]string{filepath.FromSlash("bank/project.json"), `"shared_with" must be a list, found a JSON string`}},
		{"unknown field", map[string]string{"bank/project.json": `{"share_with": ["fraud"]}`},
			[]string{filepath.FromSlash("bank/project.json"), `unknown field "share_with"`, `"shared_with"`}},
		{"duplicate", map[string]string{"bank/x": "", "BANK/x": ""},
			[]string{"both hold project \"bank\""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := makeWarehouse(t, tt.files)
			_, err := w.Stores(context.Background(), "fraud")
			require.Error(t, err)
			for _, s := range tt.want {
				assert.Contains(t, err.Error(), s)
			}
			_, err = w.Projects(context.Background())
			require.Error(t, err)
		})
	}
}

func TestFeatureGroups(t *testing.T) {
	ctx := context.Background()
	w := makeWarehouse(t, map[string]string{
		"Bank/customers_1/featuregroup.json": customersJSON,
		"Bank/customers_2/featuregroup.json": strings.NewReplacer(`"version": 1`, `"version": 2`,
			`"name": "customers"`, `"name": "Customers"`, `"customer_id", "type": "bigint"`, `"CUSTOMER_ID", "type": "BIGINT"`).Replace(customersJSON),
		"Bank/customers_10/featuregroup.json": strings.Replace(customersJSON, `"version": 1`, `"version": 10`, 1),
		"Bank/accounts_1/featuregroup.json": `{"name": "accounts", "version": 1,
			"primary_key": ["account_id", "opened"], "event_time": "opened",
			"features": [{"name": "account_id", "type": "bigint"}, {"name": "opened", "type": "timestamp"},
				{"name": "balance", "type": "decimal(12, 2)"}, {"name": "tags", "type": "array<string>"},
				{"name": "owner", "type": "struct<id:bigint,name:string>"}]}`,
		"Bank/notes/readme.txt":           "not a feature group",
		"Bank/.trash_1/featuregroup.json": `broken`,
	})

	fgs, err := w.FeatureGroups(ctx, "BANK")
	require.NoError(t, err)
	var names []string
	for _, fg := range fgs {
		names = append(names, fg.QualifiedName())
	}
	assert.Equal(t, []string{"bank::accounts_1", "bank::customers_1", "bank::customers_2", "bank::customers_10"}, names)

	acc := fgs[0]
	assert.Equal(t, "bank", acc.Project)
	assert.Equal(t, []string{"account_id", "opened"}, acc.PrimaryKey)
	assert.Equal(t, "opened", acc.EventTime)
	assert.Equal(t, []connector.Feature{
		{Name: "account_id", Type: "bigint", DataType: arrow.PrimitiveTypes.Int64, Primary: true},
		{Name: "opened", Type: "timestamp", DataType: &arrow.TimestampType{Unit: arrow.Microsecond}, Primary: true},
		{Name: "balance", Type: "decimal(12, 2)", DataType: &arrow.Decimal128Type{Precision: 12, Scale: 2}},
		{Name: "tags", Type: "array<string>", DataType: arrow.ListOf(arrow.BinaryTypes.String)},
		{Name: "owner", Type: "struct<id:bigint,name:string>", DataType: arrow.StructOf(
			arrow.Field{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
			arrow.Field{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true})},
	}, acc.Features)

	c2 := fgs[2]
	assert.Equal(t, "customers", c2.Name)
	assert.Equal(t, 2, c2.Version)
	assert.Equal(t, "bank customers", c2.Description)
	assert.Equal(t, []string{"customer_id"}, c2.PrimaryKey)
	assert.Empty(t, c2.EventTime)
	assert.Equal(t, connector.Feature{Name: "customer_id", Type: "bigint", DataType: arrow.PrimitiveTypes.Int64, Description: "id", Primary: true}, c2.Features[0])

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = w.FeatureGroups(cancelled, "bank")
	require.ErrorIs(t, err, context.Canceled)
}

func TestFeatureGroupsParquetWithoutMetadata(t *testing.T) {
	w := makeWarehouse(t, map[string]string{"bank/customers_1/part-0.parquet": "PAR1"})
	_, err := w.FeatureGroups(context.Background(), "bank")
	require.Error(t, err)
	assert.Contains(t, err.Error(), filepath.Join(w.Dir(), "bank", "customers_1"))
	assert.Contains(t, err.Error(), "no featuregroup.json")
}

func TestFeatureGroupsDuplicate(t *testing.T) {
	w := makeWarehouse(t, map[string]string{
		"bank/customers_1/featuregroup.json": customersJSON,
		"bank/Customers_1/featuregroup.json": customersJSON,
	})
	_, err := w.FeatureGroups(context.Background(), "bank")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "both hold feature group bank::customers_1")
}

func TestFeatureGroupValidation(t *testing.T) {
	feature := `{"name": "id", "type": "bigint"}`
	tests := []struct {
		name    string
		dir     string // defaults to customers_1
		json    string
		want    []string
		typeErr bool
	}{
		{name: "empty file", json: "", want: []string{"the file is empty"}},
		{name: "syntax", json: "{\n  \"name\": \"customers\",\n  \"version\": 1,,\n}",
			want: []string{"line 3, column 16", "malformed JSON", "invalid character ','"}},
		{name: "truncated", json: "{\n  \"name\": \"customers\"",
			want: []string{"line 2, column 22", "unexpected end of the file"}},
		{name: "not an object", json: `[1, 2]`, want: []string{"expected a JSON object, found a JSON array"}},
		{name: "version as string", json: `{"name": "customers", "version": "1"}`,
			want: []string{"line 1, column", `"version" must be a whole number, found a JSON string`}},
		{name: "feature type as number", json: `{"name": "customers", "version": 1, "features": [{"name": "id", "type": 5}]}`,
			want: []string{`"features.type" must be a string, found a JSON number`}},
		{name: "unknown field", json: `{"name": "customers", "version": 1, "primary_keys": ["id"], "features": [` + feature + `]}`,
			want: []string{`unknown field "primary_keys"`, `"primary_key"`}},
		{name: "trailing data", json: `{"name": "customers", "version": 1, "features": [` + feature + `]} {}`,
			want: []string{"unexpected data after the JSON object"}},
		{name: "missing name", json: `{"version": 1, "features": [` + feature + `]}`,
			want: []string{`missing "name"`, `"name": "customers"`}},
		{name: "missing version", json: `{"name": "customers", "features": [` + feature + `]}`,
			want: []string{`missing "version"`}},
		{name: "version zero", json: `{"name": "customers", "version": 0, "features": [` + feature + `]}`,
			want: []string{"version 0 is not valid; versions start at 1"}},
		{name: "negative version", json: `{"name": "customers", "version": -2, "features": [` + feature + `]}`,
			want: []string{"version -2 is not valid"}},
		{name: "invalid name", dir: "9lives_1", json: `{"name": "9lives", "version": 1, "features": [` + feature + `]}`,
			want: []string{`feature group name "9lives" is not valid`, "start with a letter"}},
		{name: "name with dash", dir: "a-b_1", json: `{"name": "a-b", "version": 1, "features": [` + feature + `]}`,
			want: []string{`feature group name "a-b" is not valid`}},
		{name: "long name", dir: strings.Repeat("a", 64) + "_1", json: `{"name": "` + strings.Repeat("a", 64) + `", "version": 1, "features": [` + feature + `]}`,
			want: []string{"is not valid", "at most 63 characters"}},
		{name: "directory mismatch", json: `{"name": "customers", "version": 2, "features": [` + feature + `]}`,
			want: []string{"describes feature group customers version 2", `directory is "customers_1"`, `rename the directory to "customers_2"`}},
		{name: "other name", json: `{"name": "clients", "version": 1, "features": [` + feature + `]}`,
			want: []string{"describes feature group clients version 1"}},
		{name: "no features", json: `{"name": "customers", "version": 1}`, want: []string{"no features"}},
		{name: "empty features", json: `{"name": "customers", "version": 1, "features": []}`, want: []string{"no features"}},
		{name: "feature without name", json: `{"name": "customers", "version": 1, "features": [` + feature + `, {"type": "int"}]}`,
			want: []string{`feature 2 has no "name"`}},
		{name: "invalid feature name", json: `{"name": "customers", "version": 1, "features": [{"name": "my id", "type": "int"}]}`,
			want: []string{`feature name "my id" is not valid`}},
		{name: "duplicate feature", json: `{"name": "customers", "version": 1, "features": [` + feature + `, {"name": "ID", "type": "int"}]}`,
			want: []string{`feature "id" appears twice (features 1 and 2)`}},
		{name: "missing type", json: `{"name": "customers", "version": 1, "features": [{"name": "id"}]}`,
			want: []string{`feature "id" has no "type"`}},
		{name: "unknown type", json: `{"name": "customers", "version": 1, "features": [{"name": "id", "type": "long"}]}`,
			want: []string{`feature "id"`, `unknown type "long"`}, typeErr: true},
		{name: "bad nested type", json: `{"name": "customers", "version": 1, "features": [{"name": "id", "type": "array<int"}]}`,
			want: []string{`feature "id"`, `offset 9`}, typeErr: true},
		{name: "unknown primary key", json: `{"name": "customers", "version": 1, "primary_key": ["customer_id"], "features": [` + feature + `]}`,
			want: []string{`"primary_key" names "customer_id", which is not a feature; features are id`}},
		{name: "duplicate primary key", json: `{"name": "customers", "version": 1, "primary_key": ["id", "ID"], "features": [` + feature + `]}`,
			want: []string{`"primary_key" names "id" twice`}},
		{name: "unknown event time", json: `{"name": "customers", "version": 1, "event_time": "ts", "features": [` + feature + `]}`,
			want: []string{`"event_time" names "ts", which is not a feature`}},
		{name: "event time not temporal", json: `{"name": "customers", "version": 1, "event_time": "label", "features": [` + feature + `, {"name": "label", "type": "string"}]}`,
			want: []string{`"event_time" feature "label" has type string`, "timestamp, date or bigint"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tt.dir
			if dir == "" {
				dir = "customers_1"
			}
			w := makeWarehouse(t, map[string]string{"bank/" + dir + "/featuregroup.json": tt.json})
			_, err := w.FeatureGroups(context.Background(), "bank")
			require.Error(t, err)
			msg := err.Error()
			assert.Contains(t, msg, filepath.Join(w.Dir(), "bank", dir, "featuregroup.json"))
			for _, s := range tt.want {
				assert.Contains(t, msg, s)
			}
			var te *connector.TypeError
			assert.Equal(t, tt.typeErr, errors.As(err, &te), "errors.As TypeError")
		})
	}
}

func TestFeatureGroupValid(t *testing.T) {
	tests := []struct {
		name, dir, json string
		check           func(t *testing.T, fg *connector.FeatureGroup)
	}{
		{"upper case", "Customers_1", `{"name": "CUSTOMERS", "version": 1, "primary_key": ["ID"], "event_time": "TS",
			"features": [{"name": "Id", "type": "BIGINT"}, {"name": "TS", "type": " Timestamp "}]}`,
			func(t *testing.T, fg *connector.FeatureGroup) {
				assert.Equal(t, "customers", fg.Name)
				assert.Equal(t, []string{"id"}, fg.PrimaryKey)
				assert.Equal(t, "ts", fg.EventTime)
				assert.Equal(t, "timestamp", fg.Features[1].Type)
				assert.True(t, fg.Features[0].Primary)
			}},
		{"date event time, empty event time means none", "a_3", `{"name": "a", "version": 3, "event_time": "", "features": [{"name": "d", "type": "date"}]}`,
			func(t *testing.T, fg *connector.FeatureGroup) {
				assert.Empty(t, fg.EventTime)
				assert.Nil(t, fg.PrimaryKey)
			}},
		{"63 characters", strings.Repeat("b", 63) + "_1", `{"name": "` + strings.Repeat("b", 63) + `", "version": 1, "features": [{"name": "x", "type": "decimal"}]}`,
			func(t *testing.T, fg *connector.FeatureGroup) {
				assert.Equal(t, &arrow.Decimal128Type{Precision: 10, Scale: 0}, fg.Features[0].DataType)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := makeWarehouse(t, map[string]string{"p/" + tt.dir + "/featuregroup.json": tt.json})
			fgs, err := w.FeatureGroups(context.Background(), "p")
			require.NoError(t, err)
			require.Len(t, fgs, 1)
			tt.check(t, fgs[0])
		})
	}
}

func TestLineColumn(t *testing.T) {
	data := []byte("ab\ncd\n\nef")
	for _, tt := range []struct {
		offset    int64
		line, col int
	}{{-1, 1, 1}, {0, 1, 1}, {1, 1, 2}, {3, 2, 1}, {5, 2, 3}, {7, 4, 1}, {9, 4, 3}, {100, 4, 3}} {
		line, col := lineColumn(data, tt.offset)
		assert.Equal(t, [2]int{tt.line, tt.col}, [2]int{line, col}, "offset %d", tt.offset)
	}
}

func FuzzFeatureGroupFile(f *testing.F) {
	f.Add([]byte(customersJSON))
	f.Add([]byte(`{"name": "customers", "version": 1, "primary_key": ["a"], "event_time": "t",
		"features": [{"name": "a", "type": "struct<x:array<decimal(3,1)>>"}, {"name": "t", "type": "date"}]}`))
	f.Add([]byte(`{"name": "customers", "version": 1e400}`))
	f.Add([]byte(`{"name": null, "version": null, "features": null, "event_time": 3}`))
	f.Add([]byte("\xff\xfe{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fg, err := parseFeatureGroup("featuregroup.json", "p", "customers_1", data)
		if err != nil {
			require.Nil(t, fg)
			require.NotEmpty(t, err.Error())
			return
		}
		require.Equal(t, "customers", fg.Name)
		require.Equal(t, 1, fg.Version)
		require.NotEmpty(t, fg.Features)
		for _, ft := range fg.Features {
			require.True(t, validName(ft.Name), ft.Name)
			require.NotNil(t, ft.DataType)
		}
		for _, k := range fg.PrimaryKey {
			ft, ok := fg.Feature(k)
			require.True(t, ok)
			require.True(t, ft.Primary)
		}
		if fg.EventTime != "" {
			_, ok := fg.Feature(fg.EventTime)
			require.True(t, ok)
		}
	})
}
