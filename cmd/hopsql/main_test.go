package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector/local/demo"
	"github.com/hopsql/hopsql/connector/local/localtest"
)

// readmeQuery must stay the query of the README's run command.
const readmeQuery = `SELECT t.tx_id, t.ts, t.amount, c.name, c.segment, c.country
FROM transactions_1 t JOIN bank::customers_1 c ON t.customer_id = c.customer_id
WHERE t.is_fraud AND t.amount > 5000 AND c.segment <> 'retail'`

func hopsql(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestREADMEQueryOnTheDemoStore(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, demo.Generate(context.Background(), dir, 1))

	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	assert.Contains(t, strings.Join(strings.Fields(string(readme)), " "), strings.Join(strings.Fields(readmeQuery), " "),
		"the README's run command must run the query this test checks")

	code, stdout, stderr := hopsql(t, "--warehouse", dir, "--project", "fraud", "-c", readmeQuery)
	require.Equal(t, exitOK, code, stderr)

	// Expected rows, computed from the Parquet files directly.
	customers := localtest.Index(localtest.ReadTable(t, dir, "bank", "customers_1"), "customer_id")
	var want []string
	for _, r := range localtest.ReadTable(t, dir, "fraud", "transactions_1") {
		if r["is_fraud"] != true || !decimalAbove(r["amount"].(string), 5000) {
			continue
		}
		for _, c := range customers[r["customer_id"]] {
			if c["segment"] != "retail" {
				want = append(want, localtest.Text(r["tx_id"]))
			}
		}
	}
	require.NotEmpty(t, want)

	// The table shows a header with types, then one line per row.
	lines := strings.Split(strings.TrimRight(stdout, "\n"), "\n")
	assert.Regexp(t, `│ tx_id\s+│ ts\s+│ amount\s+│ name\s+│ segment\s+│ country\s+│`, lines[1])
	assert.Regexp(t, `│ bigint\s+│ timestamp\s+│ decimal\(12,2\)\s+│ string\s+│ string\s+│ string\s+│`, lines[2])
	cell := regexp.MustCompile(`^│\s*(\d+) │`)
	var got []string
	for _, l := range lines {
		if m := cell.FindStringSubmatch(l); m != nil {
			got = append(got, m[1])
		}
	}
	assert.ElementsMatch(t, want, got)
	assert.Equal(t, plural(int64(len(want)), "row"), lines[len(lines)-1])
}

// decimalAbove compares a decimal's text with a whole number exactly.
func decimalAbove(s string, n int) bool {
	whole, frac, _ := strings.Cut(s, ".")
	var w int
	for _, c := range strings.TrimPrefix(whole, "-") {
		w = w*10 + int(c-'0')
	}
	if strings.HasPrefix(whole, "-") {
		return false
	}
	return w > n || w == n && strings.Trim(frac, "0") != ""
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
		{[]string{"--warehouse", dir, "--project", "fraud"}, exitUsage, "nothing to run"},
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
	code, stdout, stderr := hopsql(t, "--warehouse", dir, "--project", "bank",
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
