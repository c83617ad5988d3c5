package driver

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	"github.com/hopsql/hopsql/connector/hopsworks/hopsworkstest"
	"github.com/hopsql/hopsql/planner/plantest"
)

// TestCorpusOverHopsworks runs the planner's differential corpus (queries
// over the demo store with the answers DuckDB computed) through hopsworks://
// DSNs against the Hopsworks test server serving the same store: every
// feature group is read over the query constructor and Arrow Flight, and
// the answers must be DuckDB's, as on the embedded store, with joins pushed
// down to Hopsworks and with join pushdown off.
func TestCorpusOverHopsworks(t *testing.T) {
	var reads [2]int
	for i, pushdown := range []JoinPushdown{JoinPushdownAuto, JoinPushdownOff} {
		t.Run("join_pushdown="+string(pushdown), func(t *testing.T) {
			reads[i] = corpusOverHopsworks(t, pushdown)
		})
	}
	assert.Less(t, reads[0], reads[1], "pushed-down joins read fewer streams than feature groups joined locally")
}

func corpusOverHopsworks(t *testing.T, pushdown JoinPushdown) int {
	dir := filepath.Join("..", "planner", "testdata", "corpus")
	files, err := filepath.Glob(filepath.Join(dir, "*.sql"))
	require.NoError(t, err)
	require.NotEmpty(t, files)

	srv, err := hopsworkstest.Start(context.Background(), hopsworkstest.Config{Warehouse: warehouse})
	require.NoError(t, err)
	defer srv.Close()
	tmp := t.TempDir()
	ca := filepath.Join(tmp, "ca.pem")
	require.NoError(t, os.WriteFile(ca, srv.CACertPEM(), 0o600))
	dbs := map[string]*sql.DB{}
	defer func() {
		for _, db := range dbs {
			db.Close()
		}
	}()
	open := func(t *testing.T, project string) *sql.DB {
		if db := dbs[project]; db != nil {
			return db
		}
		q := url.Values{"api_key_value": {srv.NewAPIKey(project + "_user")}, "trust_store_path": {ca}, "cert_folder": {tmp}, "join_pushdown": {string(pushdown)}}
		db, err := sql.Open("hopsql", fmt.Sprintf("hopsworks://%s:%d/%s?%s", srv.Host(), srv.Port(), project, q.Encode()))
		require.NoError(t, err)
		dbs[project] = db
		return db
	}

	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".sql")
		t.Run(name, func(t *testing.T) {
			text, err := os.ReadFile(path)
			require.NoError(t, err)
			q, err := plantest.ParseQuery(string(text))
			require.NoError(t, err)
			f, err := os.Open(filepath.Join(dir, name+".expected"))
			require.NoError(t, err)
			want, err := plantest.Read(f)
			f.Close()
			require.NoError(t, err)

			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			conn, err := open(t, q.Project).Conn(ctx)
			require.NoError(t, err)
			defer conn.Close()
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			rr, err := ArrowOptions{Mem: mem}.QueryArrow(ctx, conn, q.SQL)
			require.NoError(t, err, q.SQL)
			got, err := plantest.FromArrow(rr)
			rr.Release()
			require.NoError(t, err, q.SQL)
			require.NoError(t, plantest.Compare(want, got, q.Ordered), q.SQL)
		})
	}

	// Every feature group came over Flight, as the test server's log shows.
	doGets := 0
	for _, r := range srv.Faults().FlightRequests() {
		if r.Call == "DoGet" && r.Code == codes.OK {
			doGets++
		}
	}
	require.GreaterOrEqual(t, doGets, len(files), "successful DoGet calls")
	t.Logf("join_pushdown=%s: %d queries, %d reads over Flight", pushdown, len(files), doGets)
	return doGets
}
