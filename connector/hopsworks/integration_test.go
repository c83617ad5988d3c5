package hopsworks

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector"
	"github.com/hopsql/hopsql/connector/hopsworks/hopsworkstest"
	"github.com/hopsql/hopsql/connector/local/demo"
	"github.com/hopsql/hopsql/connector/local/localtest"
)

// These tests run the client against hopsworkstest, the in-process
// Hopsworks-compatible server, serving the demo warehouse with bank's
// store shared with fraud. The embedded store (connector/local) reading
// the same warehouse is the oracle for what the client should see.

// demoWarehouse is the demo store the tests serve, generated once.
type demoWarehouse struct {
	once sync.Once
	dir  string
	err  error

	mu     sync.Mutex
	tables map[string][]localtest.Row // by project/table, read by rows
}

// rows returns the rows of project::table as localtest reads them from
// the Parquet files, read once.
func (w *demoWarehouse) rows(t *testing.T, project, table string) []localtest.Row {
	t.Helper()
	dir := w.get(t)
	w.mu.Lock()
	defer w.mu.Unlock()
	key := project + "/" + table
	if rows, ok := w.tables[key]; ok {
		return rows
	}
	rows := localtest.ReadTable(t, dir, project, table)
	if w.tables == nil {
		w.tables = map[string][]localtest.Row{}
	}
	w.tables[key] = rows
	return rows
}

var warehouse demoWarehouse

func (w *demoWarehouse) get(t *testing.T) string {
	t.Helper()
	w.once.Do(func() {
		w.dir, w.err = os.MkdirTemp("", "hopsql-hopsworks-test-")
		if w.err == nil {
			w.err = demo.Generate(context.Background(), w.dir, 1)
		}
	})
	require.NoError(t, w.err)
	return w.dir
}

func (w *demoWarehouse) remove() {
	if w.dir != "" {
		os.RemoveAll(w.dir)
	}
}

// startServer starts a test server over the demo store.
func startServer(t *testing.T) *hopsworkstest.Server {
	t.Helper()
	return startServerWith(t, hopsworkstest.Config{})
}

// startServerWith starts a test server over the demo store configured by
// cfg, whose Warehouse it sets.
func startServerWith(t *testing.T, cfg hopsworkstest.Config) *hopsworkstest.Server {
	t.Helper()
	cfg.Warehouse = warehouse.get(t)
	srv, err := hopsworkstest.Start(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, srv.Close()) })
	return srv
}

// trustStore writes the server's CA to a PEM file.
func trustStore(t *testing.T, srv *hopsworkstest.Server) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(path, srv.CACertPEM(), 0o600))
	return path
}

// serverOptions returns options for project with key, trusting the server.
func serverOptions(t *testing.T, srv *hopsworkstest.Server, project, key string) (Options, *logRecorder) {
	logs := &logRecorder{}
	t.Cleanup(func() { logs.assertNoKey(t, key) })
	return Options{
		Host: srv.Host(), Port: srv.Port(), Project: project, APIKeyValue: key,
		HostnameVerification: true, TrustStorePath: trustStore(t, srv),
		CertFolder: t.TempDir(), Logf: logs.logf,
	}, logs
}

// connect connects to project as user (all scopes) and closes the client
// at the end of the test.
func connect(t *testing.T, srv *hopsworkstest.Server, project, user string) *Client {
	t.Helper()
	o, _ := serverOptions(t, srv, project, srv.NewAPIKey(user))
	c, err := Connect(context.Background(), o)
	require.NoError(t, err)
	c.retry = retryPolicy{attempts: 4, base: time.Millisecond, max: 4 * time.Millisecond}
	c.flightRetry = retryPolicy{attempts: 4, base: time.Millisecond, max: 4 * time.Millisecond}
	t.Cleanup(func() { assert.NoError(t, c.Close()) })
	return c
}

// requestsTo counts the logged requests with method whose path ends with
// suffix.
func requestsTo(srv *hopsworkstest.Server, method, suffix string) int {
	n := 0
	for _, r := range srv.Faults().Requests() {
		if r.Method == method && strings.HasSuffix(r.Path, suffix) {
			n++
		}
	}
	return n
}

func TestConnectWithKeyValueAndFile(t *testing.T) {
	srv := startServer(t)
	key := srv.NewAPIKey("fraud_user")
	keyFile := filepath.Join(t.TempDir(), "api.key")
	require.NoError(t, os.WriteFile(keyFile, []byte("  "+key+"\nignored\n"), 0o600))
	for name, edit := range map[string]func(*Options){
		"value": func(*Options) {},
		"file":  func(o *Options) { o.APIKeyValue, o.APIKeyFile = "", keyFile },
		"local": func(o *Options) { o.APIKeyValue, o.APIKeyFile, o.SecretsStore = "", keyFile, SecretsStoreLocal },
	} {
		t.Run(name, func(t *testing.T) {
			o, _ := serverOptions(t, srv, "fraud", key)
			edit(&o)
			c, err := Connect(context.Background(), o)
			require.NoError(t, err)
			assert.Equal(t, "fraud", c.Project())
			assert.Equal(t, "fraud_user", c.User())
			require.NoError(t, c.Close())
		})
	}
}

// TestConnectCertificates checks the downloaded certificates: in a
// directory of their own in CertFolder, private, the client certificate
// signed by the server's CA, removed by Close; and that connecting again
// works.
func TestConnectCertificates(t *testing.T) {
	srv := startServer(t)
	o, _ := serverOptions(t, srv, "fraud", srv.NewAPIKey("fraud_user"))
	o.CertFolder = filepath.Join(t.TempDir(), "certs")
	for round := range 2 {
		c, err := Connect(context.Background(), o)
		require.NoError(t, err, "round %d", round)
		dirs, err := os.ReadDir(o.CertFolder)
		require.NoError(t, err)
		require.Len(t, dirs, 1)
		dir := filepath.Join(o.CertFolder, dirs[0].Name())
		files, err := os.ReadDir(dir)
		require.NoError(t, err)
		var names []string
		for _, f := range files {
			names = append(names, f.Name())
			fi, err := f.Info()
			require.NoError(t, err)
			assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), f.Name())
		}
		assert.ElementsMatch(t, []string{"keyStore.jks", "trustStore.jks", "material_passwd", "ca_chain.pem", "client_cert.pem", "client_key.pem"}, names)

		roots := x509.NewCertPool()
		require.True(t, roots.AppendCertsFromPEM(srv.CACertPEM()))
		certPEM, err := os.ReadFile(filepath.Join(dir, "client_cert.pem"))
		require.NoError(t, err)
		block, _ := pem.Decode(certPEM)
		require.NotNil(t, block)
		cert, err := x509.ParseCertificate(block.Bytes)
		require.NoError(t, err)
		_, err = cert.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
		assert.NoError(t, err, "the client certificate is issued by the server's CA")

		require.NoError(t, c.Close())
		require.NoError(t, c.Close(), "closing twice is fine")
		left, err := os.ReadDir(o.CertFolder)
		require.NoError(t, err)
		assert.Empty(t, left, "Close removes the certificates")
		_, err = c.Stores(context.Background(), "fraud")
		assert.ErrorIs(t, err, ErrClosed)
	}
}

func TestConnectAuthErrors(t *testing.T) {
	srv := startServer(t)
	good := srv.NewAPIKey("fraud_user")
	prefix, _, ok := strings.Cut(good, ".")
	require.True(t, ok, "keys are <prefix>.<secret>")
	tests := []struct {
		name    string
		key     string
		project string
		want    error
	}{
		{"wrong secret", prefix + ".wrongsecretwrongsecretwrongsecret", "fraud", ErrUnauthorized},
		{"unknown prefix", "nosuchprefix.secretsecretsecretsecret", "fraud", ErrUnauthorized},
		{"no PROJECT scope", srv.NewAPIKey("fraud_user", "FEATURESTORE"), "fraud", ErrForbidden},
		{"not a member", good, "marketing", ErrForbidden},
		{"unknown project", good, "nosuchproject", connector.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, _ := serverOptions(t, srv, tt.project, tt.key)
			_, err := Connect(context.Background(), o)
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.want)
			for _, other := range []error{ErrUnauthorized, ErrForbidden, connector.ErrNotFound} {
				if other != tt.want {
					assert.NotErrorIs(t, err, other)
				}
			}
			assert.NotContains(t, err.Error(), tt.key)
			_, secretPart, _ := strings.Cut(tt.key, ".")
			assert.NotContains(t, err.Error(), secretPart)
			left, rerr := os.ReadDir(o.CertFolder)
			require.NoError(t, rerr)
			assert.Empty(t, left, "a failed connect leaves no certificates")
		})
	}
}

// TestMissingFeatureStoreScope: a key with PROJECT but not FEATURESTORE
// connects but cannot read feature store metadata.
func TestMissingFeatureStoreScope(t *testing.T) {
	srv := startServer(t)
	o, _ := serverOptions(t, srv, "fraud", srv.NewAPIKey("fraud_user", "PROJECT"))
	c, err := Connect(context.Background(), o)
	require.NoError(t, err)
	defer c.Close()
	_, err = c.Stores(context.Background(), "fraud")
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrForbidden)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusForbidden, apiErr.Status)
}

func TestTLSAgainstServer(t *testing.T) {
	srv := startServer(t)
	key := srv.NewAPIKey("fraud_user")
	ctx := context.Background()

	o, _ := serverOptions(t, srv, "fraud", key)
	o.TrustStorePath = ""
	_, err := Connect(ctx, o)
	require.Error(t, err, "the server's CA is not trusted by default")
	var unknownCA x509.UnknownAuthorityError
	assert.True(t, errors.As(err, &unknownCA), "%v", err)
	assert.Contains(t, err.Error(), "PEM trust store", "the error says how to trust the cluster")
	assert.Equal(t, 0, requestsTo(srv, "GET", "/getProjectInfo/fraud"), "no request got through")

	for _, host := range []string{srv.Host(), "localhost"} {
		o, _ = serverOptions(t, srv, "fraud", key)
		o.Host = host
		c, err := Connect(ctx, o)
		require.NoError(t, err, "trusting the server's CA at %s", host)
		require.NoError(t, c.Close())
	}

	o, _ = serverOptions(t, srv, "fraud", key)
	o.TrustStorePath, o.HostnameVerification = "", false
	c, err := Connect(ctx, o)
	require.NoError(t, err, "without verification anything goes, as with the Hopsworks client")
	require.NoError(t, c.Close())
}

// TestConnectWithParameterStore takes the API key from the AWS emulator
// and connects with it.
func TestConnectWithParameterStore(t *testing.T) {
	srv := startServer(t)
	key := srv.NewAPIKey("fraud_user")
	role := newRole("hopsql-connect-role")
	putParameter(t, "/hopsworks/role/"+role+"/type/api-key", key)
	o, _ := serverOptions(t, srv, "fraud", key)
	o.APIKeyValue, o.SecretsStore, o.AWSConfig = "", SecretsStoreParameterStore, assumeRole(t, role)
	c, err := Connect(context.Background(), o)
	require.NoError(t, err)
	assert.Equal(t, "fraud_user", c.User())
	require.NoError(t, c.Close())
}
