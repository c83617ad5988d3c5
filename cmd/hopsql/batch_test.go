package main

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector/local"
	"github.com/hopsql/hopsql/connector/local/demo"
	"github.com/hopsql/hopsql/connector/local/localtest"
)

var (
	batchStoreOnce sync.Once
	batchStoreDir  string
	batchStoreErr  error
)

// batchStore is a demo store shared by the batch-mode tests.
func batchStore(t *testing.T) string {
	t.Helper()
	batchStoreOnce.Do(func() {
		batchStoreDir, batchStoreErr = os.MkdirTemp("", "hopsql-cli-test-*")
		if batchStoreErr == nil {
			batchStoreErr = demo.Generate(context.Background(), batchStoreDir, 1)
		}
	})
	require.NoError(t, batchStoreErr)
	return batchStoreDir
}

// runCLI runs hopsql with stdin and environment variables (none but those
// given, and a private config directory).
func runCLI(t *testing.T, stdin string, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	all := map[string]string{"XDG_CONFIG_HOME": t.TempDir()}
	for k, v := range vars {
		all[k] = v
	}
	env, out, errb := testEnv(stdin, all)
	code := env.run(context.Background(), args)
	return code, out.String(), errb.String()
}

func readCSV(t *testing.T, s string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	require.NoError(t, err, s)
	return recs
}

func TestBatchDefaultsToCSVOffATerminal(t *testing.T) {
	dir := batchStore(t)
	code, stdout, stderr := runCLI(t, "", nil, "--warehouse", dir, "--project", "bank",
		"-c", "SELECT merchant_id, name FROM merchants_1 WHERE merchant_id <= 3 ORDER BY merchant_id")
	require.Equal(t, exitOK, code, stderr)
	want := localtest.Index(localtest.ReadTable(t, dir, "bank", "merchants_1"), "merchant_id")
	recs := readCSV(t, stdout)
	require.Len(t, recs, 4)
	assert.Equal(t, []string{"merchant_id", "name"}, recs[0])
	for i, r := range recs[1:] {
		id := int64(i + 1)
		assert.Equal(t, []string{localtest.Text(id), want[id][0]["name"].(string)}, r)
	}
}

func TestBatchReadsStandardInputAndFiles(t *testing.T) {
	dir := batchStore(t)
	txs := len(localtest.ReadTable(t, dir, "fraud", "transactions_1"))
	script := "-- a comment; with a semicolon\nSELECT count(*) AS n FROM transactions_1;\nSELECT 'a;b' AS s;\n"

	code, stdout, stderr := runCLI(t, script, nil, "--warehouse", dir, "--project", "fraud")
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, "n\n"+localtest.Text(int64(txs))+"\ns\na;b\n", stdout)

	file := filepath.Join(t.TempDir(), "q.sql")
	require.NoError(t, os.WriteFile(file, []byte(script), 0o600))
	code, stdout2, stderr := runCLI(t, "", nil, "--warehouse", dir, "--project", "fraud", "-f", file)
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, stdout, stdout2)

	// -c and -f run in the order given; "-f -" is standard input.
	code, stdout, stderr = runCLI(t, "SELECT 2 AS b;", nil, "--warehouse", dir, "--project", "fraud",
		"-c", "SELECT 1 AS a", "-f", "-", "-c", "SELECT 3 AS c")
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, "a\n1\nb\n2\nc\n3\n", stdout)

	code, _, stderr = runCLI(t, "", nil, "--warehouse", dir, "--project", "fraud", "-f", filepath.Join(t.TempDir(), "missing.sql"))
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "missing.sql")
}

func TestBatchErrorsShowWhereInTheScript(t *testing.T) {
	dir := batchStore(t)
	file := filepath.Join(t.TempDir(), "bad.sql")
	script := "SELECT 1 AS one;\n\nSELECT tx_id,\n       nope\nFROM transactions_1;\nSELECT 2 AS two;\n"
	require.NoError(t, os.WriteFile(file, []byte(script), 0o600))

	code, stdout, stderr := runCLI(t, "", nil, "--warehouse", dir, "--project", "fraud", "-f", file)
	assert.Equal(t, exitQuery, code)
	assert.Equal(t, "one\n1\n", stdout, "statements after the failure do not run")
	assert.Contains(t, stderr, `/bad.sql:4:8: unknown column "nope"`)
	assert.Contains(t, stderr, "LINE 4:        nope\n               ^", "the caret points at the name")

	// --continue-on-error runs the rest, and still exits 1.
	code, stdout, stderr = runCLI(t, "", nil, "--warehouse", dir, "--project", "fraud", "--continue-on-error", "-f", file)
	assert.Equal(t, exitQuery, code)
	assert.Equal(t, "one\n1\ntwo\n2\n", stdout)
	assert.Equal(t, 1, strings.Count(stderr, "Error:"), stderr)

	// Syntax errors have positions too.
	code, _, stderr = runCLI(t, "", nil, "--warehouse", dir, "--project", "fraud", "-c", "SELECT 1;\nSELECT FROM WHERE")
	assert.Equal(t, exitQuery, code)
	assert.Contains(t, stderr, "syntax error at line 2, column", "positions count from the start of the script")
	assert.Contains(t, stderr, "LINE 2: SELECT FROM WHERE")
}

func TestBatchSetAndExplain(t *testing.T) {
	dir := batchStore(t)
	code, stdout, stderr := runCLI(t, "", nil, "--warehouse", dir, "--project", "fraud",
		"-c", "SET memory_limit = '1KiB'; SELECT customer_id, count(*) FROM transactions_1 GROUP BY customer_id")
	assert.Equal(t, exitQuery, code, "the session's SET applies to the next statement")
	assert.Contains(t, stderr, "memory limit")
	assert.Equal(t, 1, strings.Count(stdout, "\n"), "the header streams out before the failure, but no row: %q", stdout)

	code, stdout, stderr = runCLI(t, "", nil, "--warehouse", dir, "--project", "fraud",
		"-c", "EXPLAIN SELECT tx_id FROM transactions_1 WHERE amount > 100")
	require.Equal(t, exitOK, code, stderr)
	assert.True(t, strings.HasPrefix(stdout, "Project "), "the plan's root comes first: %q", stdout)
	assert.NotContains(t, stdout, "plan\n", "EXPLAIN prints text, not a one-column table")
	assert.Contains(t, stdout, "Scan fraud::transactions_1")

	code, _, stderr = runCLI(t, "", nil, "--warehouse", dir, "--project", "fraud", "-c", "DROP TABLE transactions_1")
	assert.Equal(t, exitQuery, code)
	assert.Contains(t, stderr, "read-only")
}

func TestConnectionChoice(t *testing.T) {
	dir := batchStore(t)
	cfgDir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(cfgDir, "hopsql"), 0o700))
	config := `default = "mybank"

[connections.mybank]
warehouse = "` + dir + `"
project = "bank"

[connections.viadsn]
dsn = "file://` + dir + `?project=fraud"
`
	require.NoError(t, os.WriteFile(filepath.Join(cfgDir, "hopsql", "config.toml"), []byte(config), 0o600))
	vars := map[string]string{"XDG_CONFIG_HOME": cfgDir}

	// The default connection of the config file.
	code, stdout, stderr := runCLI(t, "", vars, "-c", "SELECT count(*) AS n FROM merchants_1")
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, "n\n"+localtest.Text(int64(len(localtest.ReadTable(t, dir, "bank", "merchants_1"))))+"\n", stdout)

	// A named one, and --project overriding it.
	code, _, stderr = runCLI(t, "", vars, "--connection", "viadsn", "-c", "SELECT count(*) FROM transactions_1")
	require.Equal(t, exitOK, code, stderr)
	code, _, stderr = runCLI(t, "", vars, "--connection", "viadsn", "--project", "bank", "-c", "SELECT count(*) FROM merchants_1")
	require.Equal(t, exitOK, code, stderr)

	// --dsn.
	code, _, stderr = runCLI(t, "", nil, "--dsn", "file://"+dir+"?project=bank", "-c", "SELECT count(*) FROM merchants_1")
	require.Equal(t, exitOK, code, stderr)

	for _, tc := range []struct {
		vars   map[string]string
		args   []string
		stderr string
	}{
		{vars, []string{"--connection", "nope", "-c", "SELECT 1"}, `no connection "nope"`},
		{nil, []string{"--demo", "--warehouse", dir, "-c", "SELECT 1"}, "use one of"},
		{nil, []string{"--dsn", "mysql://x", "-c", "SELECT 1"}, "bad DSN: scheme"},
		{nil, []string{"--config", filepath.Join(t.TempDir(), "none.toml"), "-c", "SELECT 1"}, "config file"},
		{map[string]string{"HOPSWORKS_HOST": "hopsworks.example.com", "HOPSWORKS_PROJECT": "fraud", "HOPSWORKS_API_KEY": "top-secret-key"},
			[]string{"-c", "SELECT 1"}, "hopsworks://hopsworks.example.com/fraud"},
	} {
		code, _, stderr := runCLI(t, "", tc.vars, tc.args...)
		assert.Equal(t, exitUsage, code, "%v: %s", tc.args, stderr)
		assert.Contains(t, stderr, tc.stderr, "%v", tc.args)
		assert.NotContains(t, stderr, "top-secret-key")
	}
}

func TestConfigFileRejectsKeysAndUnknownSettings(t *testing.T) {
	for _, tc := range []struct{ body, msg string }{
		{"[connections.c]\nhost = \"h\"\napi_key_value = \"k-123\"\n", "API keys are not kept in the config file"},
		{"[connections.c]\nhots = \"h\"\n", "unknown setting connections.c.hots"},
		{"[connections.c\n", "config.toml: line "},
	} {
		file := filepath.Join(t.TempDir(), "config.toml")
		require.NoError(t, os.WriteFile(file, []byte(tc.body), 0o600))
		code, _, stderr := runCLI(t, "", nil, "--config", file, "--connection", "c", "-c", "SELECT 1")
		assert.Equal(t, exitUsage, code)
		assert.Contains(t, stderr, tc.msg)
		assert.NotContains(t, stderr, "k-123")
	}
}

func TestBinaryOutputHoldsOneResult(t *testing.T) {
	dir := batchStore(t)
	out := filepath.Join(t.TempDir(), "r.parquet")
	code, _, stderr := runCLI(t, "", nil, "--warehouse", dir, "--project", "fraud", "--format", "parquet", "-o", out,
		"-c", "SELECT 1 AS a; SELECT 2 AS b")
	assert.Equal(t, exitQuery, code)
	assert.Contains(t, stderr, "holds one")
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, [][]string{{"1"}}, readParquet(t, b), "the first result is kept whole")
}

func TestAttachFlag(t *testing.T) {
	dir := batchStore(t)
	other := t.TempDir()
	require.NoError(t, demo.Generate(context.Background(), other, 1))
	// The attached store's projects clash with the demo store's.
	code, _, stderr := runCLI(t, "", nil, "--warehouse", dir, "--project", "fraud", "--attach", other, "-c", "SELECT 1")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "a name must mean one store")

	// A store of other projects joins with the session's.
	labels := t.TempDir()
	require.NoError(t, local.WriteProject(labels, local.ProjectFile{Name: "labels"}))
	w, err := local.CreateFeatureGroup(filepath.Join(labels, "labels"), local.FeatureGroupFile{
		Name: "marks", Version: 1, Features: []local.FeatureFile{{Name: "tx_id", Type: "bigint"}},
	})
	require.NoError(t, err)
	b := array.NewInt64Builder(memory.DefaultAllocator)
	b.AppendValues([]int64{3, 5, 8}, nil)
	col := b.NewArray()
	rec := array.NewRecord(w.Schema(), []arrow.Array{col}, 3)
	require.NoError(t, w.Write(rec))
	rec.Release()
	col.Release()
	require.NoError(t, w.Close())
	code, stdout, stderr := runCLI(t, "", nil, "--warehouse", dir, "--project", "fraud", "--attach", labels,
		"-c", "SELECT t.tx_id FROM transactions_1 t JOIN labels::marks_1 m ON t.tx_id = m.tx_id ORDER BY 1")
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, "tx_id\n3\n5\n8\n", stdout)
}
