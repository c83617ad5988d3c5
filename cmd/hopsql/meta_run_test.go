package main

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector/local/localtest"
)

func TestLoadCatalogMatchesTheStore(t *testing.T) {
	dir := newDemoStore(t, 1)
	r, _, _ := newTestREPL(t, dir, nil)
	cat, err := loadCatalog(context.Background(), r.sh.conn)
	require.NoError(t, err)

	projects, groups := readableGroups(t, dir, "fraud")
	assert.Equal(t, "fraud", cat.project)
	assert.Equal(t, projects, cat.projects)
	for _, g := range groups {
		tbl := cat.resolve(g.Project + "::" + g.Name + "_" + strconv.FormatInt(g.Version, 10))
		if !assert.NotNil(t, tbl, "%s::%s_%d", g.Project, g.Name, g.Version) {
			continue
		}
		assert.Equal(t, g.Name, tbl.group)
		assert.Equal(t, g.Description, tbl.description)
		var want, got, key []string
		for _, f := range g.Features {
			want = append(want, f.Name)
		}
		for _, c := range tbl.columns {
			got = append(got, c.name)
			if c.primary {
				key = append(key, c.name)
			}
		}
		assert.Equal(t, want, got, tbl.name)
		assert.ElementsMatch(t, g.PrimaryKey, key, tbl.name)
	}
	var stored int
	for _, tbl := range cat.tables {
		if tbl.project != infoSchema {
			stored++
		}
	}
	assert.Equal(t, len(groups), stored, "tables of the readable projects")

	// Completion on the loaded catalog: the tables of bank whose names
	// start with "cu", as the files list them.
	var want []string
	for _, g := range groups {
		if g.Project == "bank" && strings.HasPrefix(g.Name, "cu") {
			want = append(want, "bank::"+g.Name+"_"+strconv.FormatInt(g.Version, 10))
		}
	}
	require.NotEmpty(t, want)
	assert.Equal(t, want, complete("SELECT * FROM bank::cu", 22, cat).candidates)
}

// runMeta runs text as typed at the prompt and fails the test on \q.
func runMeta(t *testing.T, r *repl, text string) {
	t.Helper()
	require.NoError(t, r.execute(context.Background(), text), text)
}

func TestMetaCommandsChangeTheShell(t *testing.T) {
	dir := newDemoStore(t, 1)
	r, stdout, stderr := newTestREPL(t, dir, nil)

	runMeta(t, r, `\timing`)
	assert.True(t, r.sh.timing)
	runMeta(t, r, `\timing off`)
	assert.False(t, r.sh.timing)
	assert.Equal(t, "Timing is on.\nTiming is off.\n", stdout.String())

	runMeta(t, r, `\x auto`)
	assert.Equal(t, expandedAuto, r.sh.opts.Expanded)
	runMeta(t, r, `\x`)
	assert.Equal(t, expandedOff, r.sh.opts.Expanded)

	runMeta(t, r, `\format json`)
	assert.Equal(t, formatJSON, r.sh.opts.Format)
	runMeta(t, r, `\format yaml`)
	assert.Equal(t, formatJSON, r.sh.opts.Format)
	assert.Contains(t, stderr.String(), `unknown format "yaml"`)

	stderr.Reset()
	runMeta(t, r, `\bogus`)
	assert.Equal(t, "Error: unknown command \\bogus: \\? lists the commands\n", stderr.String())

	stdout.Reset()
	runMeta(t, r, `\?`)
	for _, s := range metaSpecs {
		assert.Contains(t, stdout.String(), s.usage)
	}

	assert.ErrorIs(t, r.execute(context.Background(), `\q`), errQuit)
}

func TestMetaOutputAndScripts(t *testing.T) {
	dir := newDemoStore(t, 1)
	r, stdout, stderr := newTestREPL(t, dir, nil)
	count := len(localtest.ReadTable(t, dir, "fraud", "transactions_1"))

	// \o sends results to a file, \o alone back to standard output.
	out := filepath.Join(t.TempDir(), "out.csv")
	runMeta(t, r, `\format csv`)
	runMeta(t, r, `\o `+out)
	runMeta(t, r, "SELECT count(*) AS n FROM transactions_1;")
	runMeta(t, r, `\o`)
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, "n\n"+strconv.Itoa(count)+"\n", string(b))
	assert.Same(t, r.env.stdout, r.sh.out)
	assert.NotContains(t, stdout.String(), strconv.Itoa(count))

	// \i runs a script and reports a failure with its place in the file.
	script := filepath.Join(t.TempDir(), "script.sql")
	require.NoError(t, os.WriteFile(script, []byte("SELECT 41 + 1 AS answer;\nSELECT nope FROM transactions_1;\nSELECT 7;\n"), 0o600))
	stdout.Reset()
	runMeta(t, r, `\i `+script)
	assert.Equal(t, "answer\n42\n", stdout.String(), "the script stops at its failure")
	assert.Contains(t, stderr.String(), script+":2:8:")
	assert.Contains(t, stderr.String(), `unknown column "nope"`)

	stderr.Reset()
	runMeta(t, r, `\i `+filepath.Join(t.TempDir(), "missing.sql"))
	assert.Contains(t, stderr.String(), `\i:`)
	assert.Contains(t, stderr.String(), "missing.sql")
}

func TestMetaEditRunsTheEditedStatement(t *testing.T) {
	dir := newDemoStore(t, 1)
	// The "editor" replaces the statement it is given.
	editor := filepath.Join(t.TempDir(), "editor")
	require.NoError(t, os.WriteFile(editor, []byte("#!/bin/sh\nsed 's/41/42/' \"$1\" > \"$1.new\" && mv \"$1.new\" \"$1\"\n"), 0o700))
	r, stdout, stderr := newTestREPL(t, dir, map[string]string{"EDITOR": editor})
	runMeta(t, r, `\format csv`)
	_, err := r.history.Write("SELECT 41 AS n;")
	require.NoError(t, err)
	_, err = r.history.Write(`\format csv`)
	require.NoError(t, err)

	stdout.Reset()
	runMeta(t, r, `\e`)
	assert.Empty(t, stderr.String())
	assert.Equal(t, "SELECT 42 AS n;\nn\n42\n", stdout.String(), "the edited statement, then its result")
	assert.Equal(t, "SELECT 42 AS n;", r.history.last(func(string) bool { return true }))
}

func TestMetaDescribeLists(t *testing.T) {
	dir := newDemoStore(t, 1)
	r, stdout, stderr := newTestREPL(t, dir, nil)
	projects, groups := readableGroups(t, dir, "fraud")

	// \d: a row per readable feature group version, the session's own
	// first, named as the session writes them.
	runMeta(t, r, `\d`)
	require.Empty(t, stderr.String())
	rows, err := csv.NewReader(strings.NewReader(stdout.String())).ReadAll()
	require.NoError(t, err)
	require.NotEmpty(t, rows)
	assert.Equal(t, []string{"table", "features", "primary_key", "event_time", "description"}, rows[0])
	var want [][]string
	for _, g := range groups {
		name := g.Name + "_" + strconv.FormatInt(g.Version, 10)
		if g.Project != projects[0] {
			name = g.Project + "::" + name
		}
		eventTime := ""
		if g.EventTime != nil {
			eventTime = *g.EventTime
		}
		want = append(want, []string{name, strconv.Itoa(len(g.Features)), strings.Join(g.PrimaryKey, ", "), eventTime, g.Description})
	}
	assert.Equal(t, want, rows[1:])
	require.NotNil(t, r.cat, `\d loads the catalog for completion`)

	// \d NAME describes one table.
	stdout.Reset()
	runMeta(t, r, `\d bank::customers_1`)
	require.Empty(t, stderr.String())
	rows, err = csv.NewReader(strings.NewReader(stdout.String())).ReadAll()
	require.NoError(t, err)
	var got []string
	for _, row := range rows[1:] {
		got = append(got, row[0])
	}
	for _, g := range groups {
		if g.Project == "bank" && g.Name == "customers" && g.Version == 1 {
			var names []string
			for _, f := range g.Features {
				names = append(names, f.Name)
			}
			assert.Equal(t, names, got)
		}
	}

	runMeta(t, r, `\d x; DROP`)
	assert.Contains(t, stderr.String(), "is not a table name")
}
