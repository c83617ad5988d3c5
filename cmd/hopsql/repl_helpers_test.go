package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector/local/demo"
)

// newDemoStore generates a demo store of the given scale into a temporary
// directory.
func newDemoStore(t *testing.T, scale int) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, demo.Generate(context.Background(), dir, scale))
	return dir
}

// newTestREPL returns a REPL, without a line editor, on a session of
// project fraud of the store in dir. Its output goes to the buffers;
// vars are its environment variables; its history is kept in a temporary
// file.
func newTestREPL(t *testing.T, dir string, vars map[string]string) (r *repl, stdout, stderr *bytes.Buffer) {
	t.Helper()
	stdout, stderr = new(bytes.Buffer), new(bytes.Buffer)
	env := &environment{
		stdin:      strings.NewReader(""),
		stdout:     stdout,
		stderr:     stderr,
		getenv:     func(k string) string { return vars[k] },
		isTerminal: func(any) bool { return false },
	}
	sh, err := env.openShell(context.Background(), &options{warehouse: dir, project: "fraud", maxRows: defaultMaxRows})
	require.NoError(t, err)
	t.Cleanup(func() { sh.close() })
	hist, err := loadHistory(filepath.Join(t.TempDir(), "history"))
	require.NoError(t, err)
	return &repl{env: env, sh: sh, history: hist}, stdout, stderr
}

// storedGroup is a feature group version as the store's featuregroup.json
// describes it: the oracle of catalog tests.
type storedGroup struct {
	Project     string   `json:"-"`
	Name        string   `json:"name"`
	Version     int64    `json:"version"`
	Description string   `json:"description"`
	PrimaryKey  []string `json:"primary_key"`
	EventTime   *string  `json:"event_time"`
	Features    []struct {
		Name string `json:"name"`
	} `json:"features"`
}

// readableGroups reads the feature groups a session of project may read
// from the store's files: its own, then those of the projects that share
// their store with it, each by table name.
func readableGroups(t *testing.T, dir, project string) (projects []string, groups []storedGroup) {
	t.Helper()
	projects = []string{project}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		var p struct {
			Name       string   `json:"name"`
			SharedWith []string `json:"shared_with"`
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name(), "project.json"))
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(b, &p))
		if p.Name != project && slices.Contains(p.SharedWith, project) {
			projects = append(projects, p.Name)
		}
	}
	for _, p := range projects {
		files, err := filepath.Glob(filepath.Join(dir, p, "*", "featuregroup.json"))
		require.NoError(t, err)
		slices.Sort(files)
		for _, f := range files {
			b, err := os.ReadFile(f)
			require.NoError(t, err)
			var g storedGroup
			require.NoError(t, json.Unmarshal(b, &g))
			g.Project = p
			groups = append(groups, g)
		}
	}
	return projects, groups
}
