package driver

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector/hopsworks"
	"github.com/hopsql/hopsql/connector/hopsworks/hopsworkstest"
)

// hopsworksDSN starts a Hopsworks test server over the test store and
// returns a DSN for project fraud that trusts it, and the certificate
// folder the connection uses.
func hopsworksDSN(t *testing.T, apiKey string) (dsn string, certs string, srv *hopsworkstest.Server) {
	t.Helper()
	srv, err := hopsworkstest.Start(context.Background(), hopsworkstest.Config{Warehouse: warehouse})
	require.NoError(t, err)
	t.Cleanup(func() { srv.Close() })
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	require.NoError(t, os.WriteFile(ca, srv.CACertPEM(), 0o600))
	certs = filepath.Join(dir, "certs")
	require.NoError(t, os.Mkdir(certs, 0o700))
	if apiKey == "" {
		apiKey = srv.NewAPIKey("fraud_user")
	}
	q := url.Values{"api_key_value": {apiKey}, "trust_store_path": {ca}, "cert_folder": {certs}}
	return fmt.Sprintf("hopsworks://%s:%d/fraud?%s", srv.Host(), srv.Port(), q.Encode()), certs, srv
}

// TestHopsworksCatalogMatchesTheEmbeddedStore opens the same store through
// a hopsworks:// DSN and a file: DSN and compares what the catalog shows.
func TestHopsworksCatalogMatchesTheEmbeddedStore(t *testing.T) {
	dsn, certs, _ := hopsworksDSN(t, "")
	remote, err := sql.Open("hopsql", dsn)
	require.NoError(t, err)
	local, err := sql.Open("hopsql", (&Config{Warehouse: warehouse, Project: "fraud"}).FormatDSN())
	require.NoError(t, err)
	defer local.Close()

	entries, err := os.ReadDir(certs)
	require.NoError(t, err)
	assert.NotEmpty(t, entries, "the project's certificates are materialised while connected")

	for _, q := range []string{
		"SELECT schema_name FROM information_schema.schemata ORDER BY schema_name",
		"SELECT table_schema, table_name FROM information_schema.tables ORDER BY table_schema, table_name",
		"SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns ORDER BY table_schema, table_name, ordinal_position",
	} {
		assert.Equal(t, queryStrings(t, local, q), queryStrings(t, remote, q), q)
	}
	require.NoError(t, remote.Close())
	entries, err = os.ReadDir(certs)
	require.NoError(t, err)
	assert.Empty(t, entries, "closing the database removes the certificates")
}

func TestHopsworksWrongKey(t *testing.T) {
	const key = "AbCdEf.wrong-secret-value"
	dsn, _, _ := hopsworksDSN(t, key)
	_, err := sql.Open("hopsql", dsn)
	require.ErrorIs(t, err, hopsworks.ErrUnauthorized)
	assert.NotContains(t, err.Error(), "wrong-secret-value")
}

// queryStrings runs q and returns its rows as strings.
func queryStrings(t *testing.T, db *sql.DB, q string) [][]string {
	t.Helper()
	rows, err := db.Query(q)
	require.NoError(t, err, q)
	defer rows.Close()
	cols, err := rows.Columns()
	require.NoError(t, err)
	var out [][]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		require.NoError(t, rows.Scan(ptrs...))
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = v.String
			if !v.Valid {
				row[i] = "NULL"
			}
		}
		out = append(out, row)
	}
	require.NoError(t, rows.Err())
	return out
}
