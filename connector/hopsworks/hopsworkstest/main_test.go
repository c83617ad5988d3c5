package hopsworkstest

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector/local"
	"github.com/hopsql/hopsql/connector/local/demo"
)

// Warehouses shared by the tests of this binary, written once by TestMain:
// the demo store, and a store holding the feature groups of the backend's
// integration tests (HWIT), whose expected SQL the query tests compare
// with verbatim.
var (
	demoDir string
	hwitDir string
)

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "hopsworkstest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	demoDir = filepath.Join(dir, "demo")
	if err := demo.Generate(context.Background(), demoDir, 1); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	hwitDir = filepath.Join(dir, "hwit")
	if err := writeHWITStore(hwitDir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// writeHWITStore writes project "demo" with the feature groups of the
// backend's integration tests (featuregroup_spec.rb,
// featureview_query_spec.rb), without rows.
func writeHWITStore(dir string) error {
	if err := local.WriteProject(dir, local.ProjectFile{Name: "demo"}); err != nil {
		return err
	}
	ts := "event_time"
	tsShort := "ts"
	f := func(name, typ string) local.FeatureFile { return local.FeatureFile{Name: name, Type: typ} }
	groups := []local.FeatureGroupFile{
		{Name: "fg_a", Version: 1, PrimaryKey: []string{"a_testfeature"}, EventTime: &ts,
			Features: []local.FeatureFile{f("a_testfeature", "int"), f("a_testfeature1", "int"), f("event_time", "timestamp")}},
		{Name: "fg_b", Version: 1, PrimaryKey: []string{"a_testfeature"}, EventTime: &ts,
			Features: []local.FeatureFile{f("a_testfeature", "int"), f("b_testfeature1", "int"), f("b_testfeature2", "int"), f("event_time", "timestamp")}},
		{Name: "test_fg_a", Version: 1, PrimaryKey: []string{"id"}, EventTime: &tsShort,
			Features: []local.FeatureFile{f("id", "int"), f("a_testfeature1", "int"), f("a_testfeature2", "int"), f("ts", "timestamp")}},
		{Name: "test_fg_b", Version: 1, PrimaryKey: []string{"id"}, EventTime: &tsShort,
			Features: []local.FeatureFile{f("id", "int"), f("b_testfeature1", "int"), f("b_testfeature2", "int"), f("ts", "timestamp")}},
	}
	for i, extra := range [][]string{{"a", "b", "c"}, {"d", "e", "f"}, {"g", "h", "i"}} {
		g := local.FeatureGroupFile{Name: fmt.Sprintf("test_fg_%d", i+1), Version: 1, PrimaryKey: []string{"pk"}, EventTime: &tsShort,
			Features: []local.FeatureFile{f("ts", "timestamp"), f("pk", "int")}}
		for _, e := range extra {
			g.Features = append(g.Features, f(e, "int"))
		}
		groups = append(groups, g)
	}
	for _, g := range groups {
		w, err := local.CreateFeatureGroup(filepath.Join(dir, "demo"), g)
		if err != nil {
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
	}
	return nil
}

// start starts a server over the demo store (or cfg.Warehouse) and stops
// it when the test ends.
func start(t *testing.T, cfg Config) *Server {
	t.Helper()
	if cfg.Warehouse == "" {
		cfg.Warehouse = demoDir
	}
	s, err := Start(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s
}

// client returns an HTTP client that trusts only the server's CA.
func client(t *testing.T, s *Server) *http.Client {
	t.Helper()
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(s.CACertPEM()))
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
}

// response is a REST answer.
type response struct {
	status int
	body   []byte
}

// json decodes the body into a generic value.
func (r response) json(t *testing.T) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(r.body, &v), "body: %s", r.body)
	return v
}

// object decodes the body as a JSON object.
func (r response) object(t *testing.T) map[string]any {
	t.Helper()
	v, ok := r.json(t).(map[string]any)
	require.True(t, ok, "body is not a JSON object: %s", r.body)
	return v
}

// array decodes the body as a JSON array.
func (r response) array(t *testing.T) []any {
	t.Helper()
	v, ok := r.json(t).([]any)
	require.True(t, ok, "body is not a JSON array: %s", r.body)
	return v
}

// requireError checks that the answer is a backend error body with the
// given status and code.
func (r response) requireError(t *testing.T, status, code int) map[string]any {
	t.Helper()
	require.Equal(t, status, r.status, "body: %s", r.body)
	body := r.object(t)
	require.EqualValues(t, code, body["errorCode"], "body: %s", r.body)
	require.NotEmpty(t, body["errorMsg"], "body: %s", r.body)
	return body
}

// do sends a request to path (under APIPath) with the API key (none if
// empty) and a JSON body (none if nil).
func do(t *testing.T, s *Server, key, method, path string, body any) response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, ok := body.([]byte)
		if !ok {
			var err error
			b, err = json.Marshal(body)
			require.NoError(t, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.URL()+APIPath+"/"+path, rd)
	require.NoError(t, err)
	if key != "" {
		req.Header.Set("Authorization", "ApiKey "+key)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	c := client(t, s)
	defer c.CloseIdleConnections()
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return response{status: resp.StatusCode, body: b}
}

// get is do with GET.
func get(t *testing.T, s *Server, key, path string) response {
	t.Helper()
	return do(t, s, key, http.MethodGet, path, nil)
}

// projectID looks up a project's id over REST.
func projectID(t *testing.T, s *Server, key, name string) int {
	t.Helper()
	r := get(t, s, key, "project/getProjectInfo/"+name)
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	return int(r.object(t)["projectId"].(float64))
}

// storeID looks up a feature store's id over REST, as seen from project
// pid.
func storeID(t *testing.T, s *Server, key string, pid int, name string) int {
	t.Helper()
	r := get(t, s, key, fmt.Sprintf("project/%d/featurestores/%s", pid, name))
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	return int(r.object(t)["featurestoreId"].(float64))
}

// groupID looks up a feature group's id over REST.
func groupID(t *testing.T, s *Server, key string, pid, fsid int, name string, version int) int {
	t.Helper()
	r := get(t, s, key, fmt.Sprintf("project/%d/featurestores/%d/featuregroups/%s?version=%d", pid, fsid, name, version))
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	arr := r.array(t)
	require.Len(t, arr, 1)
	return int(arr[0].(map[string]any)["id"].(float64))
}
