package conformance_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector/hopsworks/hopsworkstest"
	"github.com/hopsql/hopsql/connector/local"
	"github.com/hopsql/hopsql/connector/local/localtest"
)

// result is what the script writes.
type result struct {
	Error          string `json:"error"`
	ClientVersion  string `json:"client_version"`
	BackendVersion string `json:"backend_version"`
	Project        struct{ Name string }
	ListedStores   []listedStore `json:"listed_stores"`
	Stores         []store       `json:"stores"`
	Reads          []readResult  `json:"reads"`
	Joins          []joinResult  `json:"joins"`
	Warnings       []string      `json:"warnings"`
}

// listedStore is an element of GET /project/{id}/featurestores, as the
// client's REST client returned it.
type listedStore struct {
	FeaturestoreName string `json:"featurestore_name"`
	ProjectName      string `json:"project_name"`
	ID               int    `json:"id"`
}

// store is a FeatureStore object of the client.
type store struct {
	Name        string `json:"name"`
	ID          int    `json:"id"`
	ProjectName string `json:"project_name"`
}

// readResult is a FeatureGroup object of the client and the DataFrame
// fg.read() returned.
type readResult struct {
	Store     store
	Name      string
	Version   int
	EventTime *string `json:"event_time"`
	Features  []struct {
		Name, Type string
		Primary    bool
	}
	Rows    int
	Columns []string
	Dtypes  map[string]string
	Nulls   map[string]int
	Sample  []map[string]any
}

// table is the oracle for a feature group: its featuregroup.json and its
// rows, read from the embedded store's files.
type table struct {
	meta local.FeatureGroupFile
	key  string // the primary key column, a bigint
	rows []localtest.Row
}

func loadTable(t *testing.T, warehouse, project, name string, version int) *table {
	t.Helper()
	dir := fmt.Sprintf("%s_%d", name, version)
	b, err := os.ReadFile(filepath.Join(warehouse, project, dir, local.FeatureGroupFileName))
	require.NoError(t, err)
	var tb table
	require.NoError(t, json.Unmarshal(b, &tb.meta))
	require.Len(t, tb.meta.PrimaryKey, 1, "the test samples rows of %s by a single primary key", dir)
	tb.key = tb.meta.PrimaryKey[0]
	tb.rows = localtest.ReadTable(t, warehouse, project, dir)
	return &tb
}

// sampleKeys picks the keys of the rows the script reports: the first,
// middle and last key, and for every column with NULLs the first key of a
// row where it is NULL.
func (tb *table) sampleKeys(t *testing.T) []int64 {
	t.Helper()
	keys := make([]int64, len(tb.rows))
	for i, r := range tb.rows {
		k, ok := r[tb.key].(int64)
		require.True(t, ok, "key %s is %T, not a bigint", tb.key, r[tb.key])
		keys[i] = k
	}
	slices.Sort(keys)
	sample := []int64{keys[0], keys[len(keys)/2], keys[len(keys)-1]}
	byKey := localtest.Index(tb.rows, tb.key)
	for _, f := range tb.meta.Features {
		for _, k := range keys {
			if byKey[k][0][f.Name] == nil {
				sample = append(sample, k)
				break
			}
		}
	}
	slices.Sort(sample)
	return slices.Compact(sample)
}

// nulls counts the NULLs of every column.
func (tb *table) nulls() map[string]int {
	n := map[string]int{}
	for _, f := range tb.meta.Features {
		n[f.Name] = 0
		for _, r := range tb.rows {
			if r[f.Name] == nil {
				n[f.Name]++
			}
		}
	}
	return n
}

// checkResult checks what the script saw against the oracle: specs[i] was
// read from tables[i].
func checkResult(t *testing.T, c client, srv *hopsworkstest.Server, specs []readSpec, tables []*table, res *result) {
	t.Helper()
	assert.Equal(t, c.version, res.ClientVersion, "the virtual environment holds another release")
	assert.Equal(t, project, res.Project.Name)
	checkStores(t, res)
	require.Len(t, res.Reads, len(specs))
	for i, spec := range specs {
		t.Run(spec.Store+"::"+spec.Name, func(t *testing.T) {
			checkRead(t, tables[i], spec, res.Reads[i])
		})
	}
	checkTransport(t, c, srv, len(specs)+len(res.Joins))
	checkWarnings(t, res)
}

// checkStores checks the listed stores against shares, and that the client
// gets each of them by name.
func checkStores(t *testing.T, res *result) {
	t.Helper()
	want := []listedStore{{FeaturestoreName: project + "_featurestore", ProjectName: project}}
	for owner, targets := range shares {
		if slices.Contains(targets, project) {
			want = append(want, listedStore{FeaturestoreName: owner + "_featurestore", ProjectName: owner})
		}
	}
	got := make([]listedStore, len(res.ListedStores))
	for i, s := range res.ListedStores {
		got[i] = listedStore{FeaturestoreName: s.FeaturestoreName, ProjectName: s.ProjectName}
	}
	assert.ElementsMatch(t, want, got, "the feature stores %s sees", project)

	require.Len(t, res.Stores, len(res.ListedStores)+1)
	assert.Equal(t, project+"_featurestore", res.Stores[0].Name, "get_feature_store() is the project's own store")
	assert.Equal(t, project, res.Stores[0].ProjectName)
	for i, l := range res.ListedStores {
		assert.Equal(t, store{Name: l.FeaturestoreName, ID: l.ID, ProjectName: l.ProjectName}, res.Stores[i+1],
			"get_feature_store(name=%q)", l.ProjectName)
	}
}

func checkRead(t *testing.T, tb *table, spec readSpec, got readResult) {
	assert.Equal(t, store{Name: spec.Store + "_featurestore", ID: got.Store.ID, ProjectName: spec.Store}, got.Store)
	assert.Equal(t, spec.Name, got.Name)
	assert.Equal(t, spec.Version, got.Version)
	assert.Equal(t, tb.meta.EventTime, got.EventTime, "event time")
	var names []string
	for i, f := range tb.meta.Features {
		names = append(names, f.Name)
		if assert.Less(t, i, len(got.Features), "features") {
			g := got.Features[i]
			assert.Equal(t, []any{f.Name, f.Type, slices.Contains(tb.meta.PrimaryKey, f.Name)}, []any{g.Name, g.Type, g.Primary}, "feature %d", i)
		}
	}
	assert.Len(t, got.Features, len(tb.meta.Features))

	assert.Equal(t, len(tb.rows), got.Rows, "rows read")
	assert.Equal(t, names, got.Columns, "DataFrame columns")
	nulls := tb.nulls()
	assert.Equal(t, nulls, got.Nulls, "NULLs per column")
	for _, f := range tb.meta.Features {
		assert.Equal(t, pandasDtype(t, f.Type, nulls[f.Name] > 0), got.Dtypes[f.Name], "dtype of %s (%s)", f.Name, f.Type)
	}

	require.Len(t, got.Sample, len(spec.Sample), "sample rows %v", spec.Sample)
	byKey := localtest.Index(tb.rows, tb.key)
	for _, g := range got.Sample {
		k, err := g[tb.key].(json.Number).Int64()
		require.NoError(t, err)
		want := byKey[k][0]
		for _, f := range tb.meta.Features {
			assert.Equal(t, localtest.Text(want[f.Name]), text(t, f.Type, g[f.Name]), "%s of the row %s = %d", f.Name, tb.key, k)
		}
	}
}

// pandasDtype is the dtype of a DataFrame column that pyarrow's to_pandas
// gives the Arrow type of an offline type (protocol reference §7), as
// fg.read() returns it: integers with NULLs become float64, booleans with
// NULLs, strings, decimals and dates Python objects.
func pandasDtype(t *testing.T, offlineType string, hasNulls bool) string {
	t.Helper()
	if strings.HasPrefix(offlineType, "decimal") {
		return "object"
	}
	switch offlineType {
	case "bigint", "int", "smallint", "tinyint":
		if hasNulls {
			return "float64"
		}
		return map[string]string{"bigint": "int64", "int": "int32", "smallint": "int16", "tinyint": "int8"}[offlineType]
	case "double":
		return "float64"
	case "float":
		return "float32"
	case "boolean":
		if hasNulls {
			return "object"
		}
		return "bool"
	case "timestamp":
		return "datetime64[us]"
	case "string", "date", "binary":
		return "object"
	}
	t.Fatalf("no pandas dtype known for offline type %q", offlineType)
	return ""
}

// text renders a value the script reported for a feature of offlineType
// in localtest.Text's format.
func text(t *testing.T, offlineType string, v any) string {
	t.Helper()
	if v == nil {
		return "NULL"
	}
	switch offlineType {
	case "bigint", "int", "smallint", "tinyint":
		// float64 when the column has NULLs: 352.0
		f, err := strconv.ParseFloat(string(v.(json.Number)), 64)
		require.NoError(t, err)
		return strconv.FormatInt(int64(f), 10)
	case "double", "float":
		f, err := v.(json.Number).Float64()
		require.NoError(t, err)
		return strconv.FormatFloat(f, 'g', -1, 64)
	case "boolean":
		return strconv.FormatBool(v.(bool))
	case "timestamp", "date":
		// isoformat of a naive pandas Timestamp or a datetime.date.
		layout := "2006-01-02T15:04:05"
		if offlineType == "date" {
			layout = time.DateOnly
		}
		tm, err := time.ParseInLocation(layout, v.(string), time.UTC)
		require.NoError(t, err)
		return localtest.Text(tm)
	}
	return fmt.Sprint(v) // strings, decimals
}

// checkTransport checks that the client read over Arrow Flight with the
// project user's certificate, one query each of reads (feature groups and
// joins), and built the Flight request the way its generation does.
func checkTransport(t *testing.T, c client, srv *hopsworkstest.Server, reads int) {
	t.Helper()
	subject := project + "__" + project + hopsworkstest.UserSuffix
	assert.Equal(t, reads, flightCalls(srv, "DoGet", subject), "successful DoGet calls with the certificate of %s\nFlight calls: %+v", subject, srv.Faults().FlightRequests())
	var queries []string
	for _, r := range srv.Faults().Requests() {
		if r.Method == "PUT" && strings.HasSuffix(r.Path, "/featurestores/query") {
			q, err := url.ParseQuery(r.Query)
			require.NoError(t, err)
			queries = append(queries, q.Get("hqs"))
		}
	}
	want := ""
	if c.hqs {
		want = "True"
	}
	assert.Equal(t, slices.Repeat([]string{want}, reads), queries, "the hqs parameter of PUT .../featurestores/query")
}

// checkWarnings checks that the client warned about nothing but, when the
// backend's minor version differs from its own, that.
func checkWarnings(t *testing.T, res *result) {
	t.Helper()
	var want []string
	if majorMinor(res.ClientVersion) != majorMinor(res.BackendVersion) {
		want = append(want, fmt.Sprintf("UserWarning: The installed hopsworks client version %s may not be compatible with the connected Hopsworks backend version %s.", res.ClientVersion, res.BackendVersion))
	}
	var got []string
	for _, w := range res.Warnings {
		first, _, _ := strings.Cut(w, "\n")
		got = append(got, strings.TrimSpace(first))
	}
	assert.Equal(t, want, got, "warnings of the client (backend version %s)", res.BackendVersion)
}

func majorMinor(version string) string {
	parts := strings.SplitN(version, ".", 3)
	if len(parts) < 2 {
		return version
	}
	return parts[0] + "." + parts[1]
}
