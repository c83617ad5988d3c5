package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHistoryRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history")
	entries := []string{
		"SELECT count(*)\nFROM transactions_1;",
		`\d bank::customers_1`,
		`SELECT 'a\nb' AS backslash_n, '\\' AS two;`,
		"SELECT 1\r\n;",
	}
	h, err := loadHistory(path)
	require.NoError(t, err)
	assert.Zero(t, h.Len(), "a missing file is an empty history")
	for _, e := range entries {
		_, err := h.Write(e)
		require.NoError(t, err)
	}
	n, err := h.Write(entries[len(entries)-1])
	require.NoError(t, err)
	assert.Equal(t, len(entries), n, "a repeated entry is kept once")
	_, err = h.Write("   ")
	require.NoError(t, err)

	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, len(entries), strings.Count(string(b), "\n"), "one line per entry:\n%s", b)

	h2, err := loadHistory(path)
	require.NoError(t, err)
	require.Equal(t, len(entries), h2.Len())
	for i, e := range entries {
		got, err := h2.GetLine(i)
		require.NoError(t, err)
		assert.Equal(t, e, got)
	}
	_, err = h2.GetLine(len(entries))
	assert.Error(t, err)
	assert.Equal(t, entries[2], h2.last(func(e string) bool { return strings.Contains(e, "AS two") }))
	assert.Equal(t, "", h2.last(func(string) bool { return false }))

	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "statements may hold private data")
}

func TestHistoryKeepsTheNewestEntries(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history")
	var b strings.Builder
	total := 2*historyLimit + 1
	for i := range total {
		fmt.Fprintf(&b, "SELECT %d;\n", i)
	}
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o600))
	h, err := loadHistory(path)
	require.NoError(t, err)
	require.Equal(t, historyLimit, h.Len())
	first, err := h.GetLine(0)
	require.NoError(t, err)
	assert.Equal(t, fmt.Sprintf("SELECT %d;", total-historyLimit), first)

	h2, err := loadHistory(path)
	require.NoError(t, err)
	assert.Equal(t, historyLimit, h2.Len(), "the file was rewritten")
}

func TestUnescapeHistoryKeepsStrayBackslashes(t *testing.T) {
	assert.Equal(t, `a\x\`, unescapeHistory(`a\x\`))
	assert.Equal(t, "a\nb\\", unescapeHistory(`a\nb\\`))
}

func TestHistoryPath(t *testing.T) {
	env := &environment{getenv: func(k string) string {
		return map[string]string{"HOPSQL_HISTORY": "/tmp/h", "HOME": "/home/u"}[k]
	}}
	assert.Equal(t, "/tmp/h", env.historyPath())
	env.getenv = func(k string) string { return map[string]string{"HOME": "/home/u"}[k] }
	assert.Equal(t, filepath.Join("/home/u", ".hopsql_history"), env.historyPath())
}
