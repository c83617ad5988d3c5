package driver

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSetJoinPushdown: SET join_pushdown changes the session's setting,
// DEFAULT and a connection's reuse restore the DSN's.
func TestSetJoinPushdown(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		dsn  string
		want bool
	}{
		{(&Config{Warehouse: warehouse, Project: "fraud"}).FormatDSN(), true},
		{(&Config{Warehouse: warehouse, Project: "fraud", JoinPushdown: JoinPushdownOff}).FormatDSN(), false},
	} {
		db, err := sql.Open("hopsql", tc.dsn)
		require.NoError(t, err)
		defer db.Close()
		c, err := db.Conn(ctx)
		require.NoError(t, err)
		setting := func() (on bool) {
			require.NoError(t, c.Raw(func(dc any) error {
				on = dc.(*conn).joinPushdown
				return nil
			}))
			return on
		}
		assert.Equal(t, tc.want, setting(), tc.dsn)
		for _, step := range []struct {
			sql  string
			want bool
		}{
			{"SET join_pushdown = 'off'", false},
			{"set JOIN_PUSHDOWN to auto;", true},
			{"SET join_pushdown = OFF", false},
			{"SET join_pushdown = DEFAULT", tc.want},
			{"SET join_pushdown = 'AUTO'", true},
		} {
			_, err := c.ExecContext(ctx, step.sql)
			require.NoError(t, err, step.sql)
			assert.Equal(t, step.want, setting(), step.sql)
		}
		for _, q := range []string{"SET join_pushdown = 'eager'", "SET join_pushdown = ''", "SET join_pushdown"} {
			_, err := c.ExecContext(ctx, q)
			assert.Error(t, err, q)
		}
		require.NoError(t, c.Raw(func(dc any) error {
			s := dc.(*conn)
			s.joinPushdown = !tc.want
			require.NoError(t, s.ResetSession(ctx))
			assert.Equal(t, tc.want, s.joinPushdown, "ResetSession restores the DSN's setting")
			return nil
		}))
		require.NoError(t, c.Close())
	}
}

// TestSetJoinPushdownHopsworks: over a Hopsworks connection, a join of
// two feature groups runs in Hopsworks unless the session turns join
// pushdown off; the rows are the same.
//
// It needs connector/hopsworks's PlanJoin: the Hopsworks source must take
// the join.
func TestSetJoinPushdownHopsworks(t *testing.T) {
	ctx := context.Background()
	dsn, _, _ := hopsworksDSN(t, "")
	db, err := sql.Open("hopsql", dsn)
	require.NoError(t, err)
	defer db.Close()
	c, err := db.Conn(ctx)
	require.NoError(t, err)
	defer c.Close()

	const join = "SELECT t.tx_id, c.name, c.segment FROM transactions_1 t JOIN bank::customers_1 c ON t.customer_id = c.customer_id WHERE t.tx_id < 300 AND c.age > 40"
	explain := func() string {
		t.Helper()
		rows, err := c.QueryContext(ctx, "EXPLAIN "+join)
		require.NoError(t, err)
		defer rows.Close()
		var lines []string
		for rows.Next() {
			var line string
			require.NoError(t, rows.Scan(&line))
			lines = append(lines, line)
		}
		require.NoError(t, rows.Err())
		return strings.Join(lines, "\n")
	}
	result := func() [][]string {
		t.Helper()
		rows, err := c.QueryContext(ctx, join+" ORDER BY t.tx_id")
		require.NoError(t, err)
		defer rows.Close()
		var out [][]string
		for rows.Next() {
			var id, name, segment string
			require.NoError(t, rows.Scan(&id, &name, &segment))
			out = append(out, []string{id, name, segment})
		}
		require.NoError(t, rows.Err())
		return out
	}
	// Prepared before the SET, run after it: the setting of the run holds.
	stmt, err := c.PrepareContext(ctx, "EXPLAIN "+join)
	require.NoError(t, err)
	defer stmt.Close()
	stmtExplain := func() string {
		t.Helper()
		rows, err := stmt.QueryContext(ctx)
		require.NoError(t, err)
		defer rows.Close()
		var lines []string
		for rows.Next() {
			var line string
			require.NoError(t, rows.Scan(&line))
			lines = append(lines, line)
		}
		require.NoError(t, rows.Err())
		return strings.Join(lines, "\n")
	}

	pushed := explain()
	assert.Contains(t, pushed, "RemoteJoin fraud::transactions_1 AS t, bank::customers_1 AS c")
	assert.Contains(t, stmtExplain(), "RemoteJoin")
	remote := result()
	require.NotEmpty(t, remote)

	_, err = c.ExecContext(ctx, "SET join_pushdown = 'off'")
	require.NoError(t, err)
	local := explain()
	assert.NotContains(t, local, "RemoteJoin")
	assert.Contains(t, local, "HashJoin inner")
	assert.NotContains(t, stmtExplain(), "RemoteJoin")
	assert.Equal(t, remote, result())

	_, err = c.ExecContext(ctx, "SET join_pushdown = 'auto'")
	require.NoError(t, err)
	assert.Contains(t, explain(), "RemoteJoin")
}
