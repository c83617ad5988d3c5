package main

import (
	"bytes"
	"context"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector/local/demo"
	"github.com/hopsql/hopsql/connector/local/localtest"
)

// readmeQuery must stay the query of the README's run command.
const readmeQuery = `SELECT c.segment, count(*) AS n, avg(t.amount) AS avg_amount
FROM transactions_1 t JOIN bank::customers_1 c ON t.customer_id = c.customer_id
GROUP BY c.segment ORDER BY n DESC`

// testEnv is an environment with no variables set (but those in vars),
// empty standard input and no terminals.
func testEnv(stdin string, vars map[string]string) (*environment, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &environment{
		stdin:      strings.NewReader(stdin),
		stdout:     &out,
		stderr:     &errb,
		getenv:     func(k string) string { return vars[k] },
		isTerminal: func(any) bool { return false },
	}, &out, &errb
}

func hopsql(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	env, out, errb := testEnv("", map[string]string{"XDG_CONFIG_HOME": t.TempDir()})
	code = env.run(context.Background(), args)
	return code, out.String(), errb.String()
}

func TestREADMEQueryOnTheDemoStore(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, demo.Generate(context.Background(), dir, 1))

	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	assert.Contains(t, strings.Join(strings.Fields(string(readme)), " "), strings.Join(strings.Fields(readmeQuery), " "),
		"the README's run command must run the query this test checks")

	code, stdout, stderr := hopsql(t, "--warehouse", dir, "--project", "fraud", "--format", "table", "-c", readmeQuery)
	require.Equal(t, exitOK, code, stderr)

	// Expected rows, computed from the Parquet files directly: per
	// segment, the number of transactions and their mean amount.
	customers := localtest.Index(localtest.ReadTable(t, dir, "bank", "customers_1"), "customer_id")
	count := map[string]int64{}
	sum := map[string]*big.Rat{}
	for _, r := range localtest.ReadTable(t, dir, "fraud", "transactions_1") {
		for _, c := range customers[r["customer_id"]] {
			seg := c["segment"].(string)
			amount, ok := new(big.Rat).SetString(r["amount"].(string))
			require.True(t, ok)
			if sum[seg] == nil {
				sum[seg] = new(big.Rat)
			}
			sum[seg].Add(sum[seg], amount)
			count[seg]++
		}
	}
	require.Len(t, count, 3)

	// The table: names, types, then one row per segment, most first.
	lines := strings.Split(strings.TrimRight(stdout, "\n"), "\n")
	assert.Regexp(t, `│ segment\s+│ n\s+│ avg_amount\s+│`, lines[1])
	assert.Regexp(t, `│ string\s+│ bigint\s+│ double\s+│`, lines[2])
	cell := regexp.MustCompile(`^│ (\w+)\s+│\s+(\d+) │\s+([0-9.e+-]+) │$`)
	var order []int64
	for _, l := range lines {
		m := cell.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		n, err := strconv.ParseInt(m[2], 10, 64)
		require.NoError(t, err)
		assert.Equal(t, count[m[1]], n, m[1])
		avg, err := strconv.ParseFloat(m[3], 64)
		require.NoError(t, err)
		want, _ := new(big.Rat).Quo(sum[m[1]], new(big.Rat).SetInt64(count[m[1]])).Float64()
		assert.InEpsilon(t, want, avg, 1e-9, m[1])
		order = append(order, n)
	}
	require.Len(t, order, 3)
	assert.True(t, order[0] >= order[1] && order[1] >= order[2], "ORDER BY n DESC: %v", order)
	assert.Equal(t, "3 rows", lines[len(lines)-1])
}

func TestExitCodesAndErrors(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, demo.Generate(context.Background(), dir, 1))
	tests := []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"--warehouse", dir, "--project", "fraud", "-c", "SELECT tx_id FROM transactions_1 LIMIT 1"}, exitOK, ""},
		{[]string{"--warehouse", dir, "--project", "fraud", "-c", "SELECT nope FROM transactions_1"}, exitQuery, `line 1, column 8: unknown column "nope"`},
		{[]string{"--warehouse", dir, "--project", "fraud", "-c", "SELECT * FROM marketing::campaigns_1"}, exitQuery, "not shared with project"},
		{[]string{"--warehouse", dir, "--project", "nobody", "-c", "SELECT 1"}, exitUsage, `"nobody"`},
		{[]string{"--warehouse", filepath.Join(dir, "missing"), "--project", "fraud", "-c", "SELECT 1"}, exitUsage, "missing"},
		{[]string{"--warehouse", dir, "-c", "SELECT 1"}, exitUsage, "needs --project"},
		{[]string{"-c", "SELECT 1"}, exitUsage, "no feature store"},
		{[]string{"--bogus"}, exitUsage, "flag provided but not defined"},
		{[]string{"demo", "--scale", "0", "--dir", t.TempDir()}, exitUsage, "scale 0"},
	}
	for _, tc := range tests {
		code, _, stderr := hopsql(t, tc.args...)
		assert.Equal(t, tc.code, code, "%v: %s", tc.args, stderr)
		assert.Contains(t, stderr, tc.stderr, "%v", tc.args)
	}
}

func TestStatementsRunInOrderAndStopAtTheFirstFailure(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, demo.Generate(context.Background(), dir, 1))
	code, stdout, stderr := hopsql(t, "--warehouse", dir, "--project", "bank", "--format", "table",
		"-c", "SELECT name FROM merchants_1 WHERE merchant_id = 1; SELECT nope FROM merchants_1",
		"-c", "SELECT name FROM merchants_1 WHERE merchant_id = 2")
	assert.Equal(t, exitQuery, code)
	assert.Equal(t, 1, strings.Count(stdout, "1 row"), stdout)
	assert.Contains(t, stderr, `unknown column "nope"`)
}

func TestDemoCommandWritesTheStore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	code, stdout, stderr := hopsql(t, "demo", "--dir", dir)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, dir)
	for _, p := range []string{"bank/customers_1", "bank/customers_2", "bank/merchants_1", "fraud/transactions_1", "fraud/customer_spend_1", "marketing/campaigns_1"} {
		assert.FileExists(t, filepath.Join(dir, p, "featuregroup.json"))
	}
}
