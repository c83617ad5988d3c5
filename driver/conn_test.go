package driver

import (
	"context"
	"database/sql"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/hopsql/hopsql/connector/local/localtest"
	"github.com/hopsql/hopsql/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOpenDSN(t *testing.T) {
	db, err := sql.Open("hopsql", (&Config{Warehouse: warehouse, Project: "bank"}).FormatDSN())
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.Ping())
	var name string
	require.NoError(t, db.QueryRow("SELECT name FROM customers_1 WHERE customer_id = 1").Scan(&name))
	want := localtest.Index(localtest.ReadTable(t, warehouse, "bank", "customers_1"), "customer_id")
	assert.Equal(t, want[int64(1)][0]["name"], name)

	_, err = sql.Open("hopsql", "file:///no/such/dir?project=fraud")
	assert.Error(t, err)
	_, err = sql.Open("hopsql", "hopsworks://127.0.0.1:1/p?api_key_value=k")
	assert.ErrorContains(t, err, "connecting to hopsworks://127.0.0.1:1/p")
	_, err = sql.Open("hopsql", "nonsense")
	var de *DSNError
	assert.ErrorAs(t, err, &de)
}

func TestDemoDSN(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("HOME", cache)
	db, err := sql.Open("hopsql", "demo:")
	require.NoError(t, err)
	defer db.Close()
	var id int64
	require.NoError(t, db.QueryRow("SELECT tx_id FROM transactions_1 ORDER BY tx_id LIMIT 1").Scan(&id))
	assert.Equal(t, int64(1), id)
}

func TestParameters(t *testing.T) {
	db, _ := openDB(t)
	want := localtest.Index(localtest.ReadTable(t, warehouse, "bank", "customers_1"), "customer_id")
	type myInt int16
	for _, arg := range []any{int(7), int8(7), int16(7), int32(7), int64(7), uint(7), uint8(7), uint16(7), uint32(7), uint64(7), myInt(7), float32(7), 7.0} {
		var name string
		require.NoError(t, db.QueryRow("SELECT name FROM bank::customers_1 WHERE customer_id = ?", arg).Scan(&name), "%T", arg)
		assert.Equal(t, want[int64(7)][0]["name"], name, "%T", arg)
	}
	var n int64
	require.NoError(t, db.QueryRow("SELECT count(*) FROM transactions_1 WHERE amount > ? AND ts < ?", "100.00", time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)).Scan(&n))
	assert.Positive(t, n)

	_, err := db.Query("SELECT 1 WHERE 1 = ?", struct{}{})
	assert.ErrorContains(t, err, "unsupported type struct {}")
	_, err = db.Query("SELECT 1 WHERE 1 = ?", uint64(1<<63))
	assert.ErrorContains(t, err, "out of the range")
	_, err = db.Query("SELECT 1 WHERE 1 = ?", sql.Named("x", 1))
	assert.ErrorContains(t, err, "named arguments")
}

func TestPrepared(t *testing.T) {
	db, _ := openDB(t)
	want := localtest.Index(localtest.ReadTable(t, warehouse, "bank", "customers_1"), "customer_id")
	st, err := db.Prepare("SELECT name, age FROM bank::customers_1 WHERE customer_id = ?")
	require.NoError(t, err)
	defer st.Close()
	for _, id := range []int64{3, 9000} {
		var name string
		var age sql.NullInt64
		require.NoError(t, st.QueryRow(id).Scan(&name, &age))
		assert.Equal(t, want[id][0]["name"], name)
	}
	_, err = db.Prepare("INSERT INTO transactions_1 VALUES (1)")
	assert.ErrorIs(t, err, ErrReadOnly)

	// The statement is read when prepared: syntax errors come from
	// Prepare, and database/sql checks the number of arguments.
	_, err = db.Prepare("SELECT name FROM bank::customers_1 WHERE")
	assert.ErrorContains(t, err, "ends too early")
	two, err := db.Prepare("SELECT name FROM bank::customers_1 WHERE customer_id BETWEEN ? AND ?")
	require.NoError(t, err)
	defer two.Close()
	_, err = two.Query(1)
	assert.ErrorContains(t, err, "expected 2 arguments, got 1")
	rows, err := two.Query(1, 3)
	require.NoError(t, err)
	n := 0
	for rows.Next() {
		n++
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, 3, n)
}

func TestExec(t *testing.T) {
	db, _ := openDB(t)
	ctx := context.Background()
	c, err := db.Conn(ctx)
	require.NoError(t, err)
	defer c.Close()

	join := "SELECT t.tx_id, c.name FROM transactions_1 t JOIN bank::customers_1 c ON t.customer_id = c.customer_id"
	_, err = c.ExecContext(ctx, "SET memory_limit = '1KiB'")
	require.NoError(t, err)
	_, err = c.ExecContext(ctx, join)
	var mle *engine.MemoryLimitError
	require.ErrorAs(t, err, &mle)
	_, err = c.ExecContext(ctx, "set MEMORY_LIMIT to DEFAULT;")
	require.NoError(t, err)
	_, err = c.ExecContext(ctx, join)
	require.NoError(t, err)

	for _, q := range []string{"SET memory_limit = 'lots'", "SET colour = 'red'", "SET memory_limit"} {
		_, err = c.ExecContext(ctx, q)
		assert.Error(t, err, q)
	}
	for _, q := range []string{"INSERT INTO transactions_1 VALUES (1)", " /* x */ delete from transactions_1", "DROP TABLE transactions_1", "-- c\nUPDATE t SET a = 1"} {
		_, err = c.ExecContext(ctx, q)
		assert.ErrorIs(t, err, ErrReadOnly, q)
		_, err = c.QueryContext(ctx, q)
		assert.ErrorIs(t, err, ErrReadOnly, q)
	}
}

func TestTx(t *testing.T) {
	db, _ := openDB(t)
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	require.NoError(t, err)
	var n int64
	require.NoError(t, tx.QueryRow("SELECT count(*) FROM bank::merchants_1").Scan(&n))
	assert.Equal(t, int64(1000), n)
	require.NoError(t, tx.Commit())

	_, err = db.Begin()
	assert.ErrorIs(t, err, ErrReadOnly)
	_, err = db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelSerializable})
	assert.ErrorContains(t, err, "isolation")
}

// waitGoroutines waits until no more than n goroutines run.
func waitGoroutines(t *testing.T, n int) {
	t.Helper()
	// Polls the condition; testify's Eventually would add a goroutine of its own.
	for deadline := time.Now().Add(10 * time.Second); runtime.NumGoroutine() > n && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	if runtime.NumGoroutine() > n {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines, want <= %d:\n%s", runtime.NumGoroutine(), n, buf[:runtime.Stack(buf, true)])
	}
}

func TestCancelMidStream(t *testing.T) {
	db, _ := openDB(t)
	db.SetMaxIdleConns(1)
	require.NoError(t, db.Ping())
	before := runtime.NumGoroutine()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rows, err := db.QueryContext(ctx, "SELECT tx_id, amount FROM transactions_1")
	require.NoError(t, err)
	require.True(t, rows.Next())
	cancel()
	for rows.Next() {
	}
	assert.ErrorIs(t, rows.Err(), context.Canceled)
	require.NoError(t, rows.Close())
	waitGoroutines(t, before)
}

func TestCloseEarly(t *testing.T) {
	db, _ := openDB(t)
	require.NoError(t, db.Ping())
	before := runtime.NumGoroutine()
	rows, err := db.Query("SELECT t.tx_id, c.name FROM transactions_1 t JOIN bank::customers_1 c ON t.customer_id = c.customer_id")
	require.NoError(t, err)
	for i := 0; i < 10 && rows.Next(); i++ {
	}
	require.NoError(t, rows.Close())
	require.NoError(t, rows.Close())
	assert.False(t, rows.Next())
	waitGoroutines(t, before)
}

func TestConcurrent(t *testing.T) {
	db, _ := openDB(t)
	want := localtest.Index(localtest.ReadTable(t, warehouse, "bank", "customers_1"), "customer_id")
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := int64(i*97 + 1)
			rows, err := db.Query("SELECT customer_id, name FROM bank::customers_1 WHERE customer_id >= ? AND customer_id < ? ORDER BY customer_id", id, id+50)
			if err != nil {
				errs <- err
				return
			}
			defer rows.Close()
			next := id
			for rows.Next() {
				var got int64
				var name string
				if err := rows.Scan(&got, &name); err != nil {
					errs <- err
					return
				}
				if got != next || name != want[got][0]["name"] {
					errs <- errors.New("wrong row")
					return
				}
				next++
			}
			if err := rows.Err(); err != nil {
				errs <- err
			} else if next != id+50 {
				errs <- errors.New("missing rows")
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
}

func TestConnInterfaces(t *testing.T) {
	db, _ := openDB(t)
	ctx := context.Background()
	c, err := db.Conn(ctx)
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.PingContext(ctx))
	require.NoError(t, c.Raw(func(dc any) error {
		s := dc.(*conn)
		assert.True(t, s.IsValid())
		s.memoryLimit = 5
		require.NoError(t, s.ResetSession(ctx))
		assert.Zero(t, s.memoryLimit)
		require.NoError(t, s.Close())
		assert.False(t, s.IsValid())
		return nil
	}))
}
