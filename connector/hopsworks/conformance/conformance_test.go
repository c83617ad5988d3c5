package conformance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	"github.com/hopsql/hopsql/connector/hopsworks/hopsworkstest"
	"github.com/hopsql/hopsql/connector/hopsworks/internal/pyenv"
	"github.com/hopsql/hopsql/connector/local/demo"
)

// A client is a release of the official Hopsworks Python client, with the
// packages its virtual environment holds.
type client struct {
	version      string
	requirements []string
	// hqs says whether the client asks the backend for the Flight payload
	// (generation D, >= 4.7), so the server must offer one.
	hqs bool
}

// clients are the releases the test runs. Both are the last bug-fix
// release of their minor version. Only pyarrow of the "python" extra is
// needed for fg.read() over Arrow Flight; pandas and numpy (dependencies
// of hopsworks itself) are pinned because the DataFrame's dtypes depend
// on them.
var clients = []client{
	{version: "4.6.8", requirements: pins("4.6.8"), hqs: false},
	{version: "4.7.7", requirements: pins("4.7.7"), hqs: true},
}

func pins(hopsworks string) []string {
	return []string{"hopsworks==" + hopsworks, "pyarrow==25.0.1", "pandas==2.3.3", "numpy==2.4.6"}
}

const (
	// project is the project the client logs in to; its user is
	// project + hopsworkstest.UserSuffix.
	project = "fraud"
	// flightPort is the port the Python client connects to: it appends
	// ":5005" to the host the backend names.
	flightPort = 5005
	// installTimeout bounds installing one client into a fresh virtual
	// environment.
	installTimeout = 10 * time.Minute
	// runTimeout bounds one run of the script.
	runTimeout = 5 * time.Minute
)

// shares is the sharing the server is started with, and the oracle for
// the stores fraud lists: bank's feature store is shared with fraud.
var shares = map[string][]string{"bank": {"fraud"}}

// reads are the feature groups the script reads: one of the project's
// own store and one of a store shared with it.
var reads = []readSpec{
	{Store: "fraud", Name: "transactions", Version: 1},
	{Store: "bank", Name: "customers", Version: 1},
}

// TestOfficialPythonClient runs each client release against a test server
// over the demo store and checks what it saw against the store's files
// (see the package documentation).
func TestOfficialPythonClient(t *testing.T) {
	warehouse := t.TempDir()
	require.NoError(t, demo.Generate(context.Background(), warehouse, demo.DefaultScale))
	specs := make([]readSpec, len(reads))
	tables := make([]*table, len(reads))
	for i, r := range reads {
		tables[i] = loadTable(t, warehouse, r.Store, r.Name, r.Version)
		r.Key = tables[i].key
		r.Sample = tables[i].sampleKeys(t)
		specs[i] = r
	}
	for _, c := range clients {
		t.Run("hopsworks-"+c.version, func(t *testing.T) {
			python := install(t, c)
			srv := startServer(t, warehouse, c.hqs)
			res := runScript(t, python, srv, specs, joins)
			checkResult(t, c, srv, specs, tables, res)
			checkJoins(t, srv, joins, res.Joins)
		})
	}
}

// install returns the interpreter of c's virtual environment, creating it
// on first use.
func install(t *testing.T, c client) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), installTimeout)
	defer cancel()
	python, err := pyenv.Python(ctx, c.requirements...)
	require.NoError(t, err, "installing the Hopsworks client %s from PyPI into a virtual environment", c.version)
	return python
}

// startServer starts the test server with its Flight server on port 5005
// and stops it when the test ends.
func startServer(t *testing.T, warehouse string, hqs bool) *hopsworkstest.Server {
	t.Helper()
	srv, err := hopsworkstest.Start(context.Background(), hopsworkstest.Config{
		Warehouse: warehouse, Shares: shares, FlightPort: flightPort, HQSPayload: hqs,
	})
	if errors.Is(err, syscall.EADDRINUSE) {
		t.Fatalf("port %d of 127.0.0.1 is taken, and the Python client can read over Arrow Flight only from port %d: stop what listens there (another test server?) and run again: %v", flightPort, flightPort, err)
	}
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, srv.Close()) })
	return srv
}

// scriptConfig is the script's input; see testdata/hopsworks_client.py.
type scriptConfig struct {
	Host           string     `json:"host"`
	Port           int        `json:"port"`
	Project        string     `json:"project"`
	APIKeyFile     string     `json:"api_key_file"`
	TrustStorePath string     `json:"trust_store_path"`
	Output         string     `json:"output"`
	Reads          []readSpec `json:"reads"`
	Joins          []joinSpec `json:"joins"`
}

// readSpec is a feature group to read, with the primary key values of the
// rows the script reports.
type readSpec struct {
	Store   string  `json:"store"`
	Name    string  `json:"name"`
	Version int     `json:"version"`
	Key     string  `json:"key"`
	Sample  []int64 `json:"sample"`
}

// runScript runs the script against srv, reading specs and joins, and
// returns what it wrote.
func runScript(t *testing.T, python string, srv *hopsworkstest.Server, specs []readSpec, joins []joinSpec) *result {
	t.Helper()
	dir := t.TempDir()
	cfg := scriptConfig{
		Host:           srv.Host(),
		Port:           srv.Port(),
		Project:        project,
		APIKeyFile:     filepath.Join(dir, "api.key"),
		TrustStorePath: filepath.Join(dir, "ca_chain.pem"),
		Output:         filepath.Join(dir, "result.json"),
		Reads:          specs,
		Joins:          joins,
	}
	require.NoError(t, os.WriteFile(cfg.APIKeyFile, []byte(srv.NewAPIKey(project+hopsworkstest.UserSuffix)), 0o600))
	require.NoError(t, os.WriteFile(cfg.TrustStorePath, srv.CACertPEM(), 0o600))
	b, err := json.Marshal(cfg)
	require.NoError(t, err)
	cfgPath := filepath.Join(dir, "config.json")
	require.NoError(t, os.WriteFile(cfgPath, b, 0o600))

	script, err := filepath.Abs(filepath.Join("testdata", "hopsworks_client.py"))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, script, cfgPath)
	cmd.Dir = dir
	cmd.Env = scriptEnv(filepath.Join(dir, "certs"))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err = cmd.Run()
	t.Logf("the script ran for %v", time.Since(start).Round(time.Millisecond))
	require.NoError(t, err, "%s %s failed; its output:\n%s", python, script, out.String())

	raw, err := os.ReadFile(cfg.Output)
	require.NoError(t, err, "the script wrote no result; its output:\n%s", out.String())
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var res result
	require.NoError(t, dec.Decode(&res), "result: %s", raw)
	if res.Error != "" {
		t.Fatalf("the Hopsworks client failed:\n%s\nits output:\n%s\nREST requests:\n%s", res.Error, out.String(), requestLog(srv))
	}
	return &res
}

// scriptEnv is the environment of the script: the test's, without the
// variables that override hopsworks.login's arguments or make it behave
// as inside a cluster, and with the client's usage statistics off (they
// would go to a host on the internet).
func scriptEnv(certFolder string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "HOPSWORKS_") || name == "REST_ENDPOINT" || name == "ENABLE_HOPSWORKS_USAGE" {
			continue
		}
		env = append(env, kv)
	}
	// HOPSWORKS_CERT_FOLDER is read by login from 4.7 on; 4.6 uses
	// /tmp/<host>/<project> and removes it on logout.
	return append(env, "ENABLE_HOPSWORKS_USAGE=false", "HOPSWORKS_CERT_FOLDER="+certFolder)
}

// requestLog renders the REST requests srv received, one a line.
func requestLog(srv *hopsworkstest.Server) string {
	var b strings.Builder
	for _, r := range srv.Faults().Requests() {
		q := ""
		if r.Query != "" {
			q = "?" + r.Query
		}
		fmt.Fprintf(&b, "%s %s%s -> %d\n", r.Method, r.Path, q, r.Status)
	}
	return b.String()
}

// flightCalls counts the successful Flight calls of the given kind made
// with the certificate of subject.
func flightCalls(srv *hopsworkstest.Server, call, subject string) int {
	n := 0
	for _, r := range srv.Faults().FlightRequests() {
		if r.Call == call && r.Subject == subject && r.Code == codes.OK {
			n++
		}
	}
	return n
}
