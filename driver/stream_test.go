package driver

import (
	"context"
	"database/sql"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/hopsql/hopsql/connector/local/localtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// peakAllocator records the most Arrow memory held at once.
type peakAllocator struct {
	*memory.CheckedAllocator
	peak atomic.Int64
}

func newPeakAllocator() *peakAllocator {
	return &peakAllocator{CheckedAllocator: memory.NewCheckedAllocator(memory.NewGoAllocator())}
}

func (a *peakAllocator) note() {
	cur := int64(a.CurrentAlloc())
	for {
		p := a.peak.Load()
		if cur <= p || a.peak.CompareAndSwap(p, cur) {
			return
		}
	}
}

func (a *peakAllocator) Allocate(n int) []byte {
	b := a.CheckedAllocator.Allocate(n)
	a.note()
	return b
}

func (a *peakAllocator) Reallocate(n int, b []byte) []byte {
	b = a.CheckedAllocator.Reallocate(n, b)
	a.note()
	return b
}

// bigResult is a cross join whose result (100,000 transactions times
// merchants) is many times larger than the memory the test allows a query
// to hold.
func bigResult(merchants int) string {
	return fmt.Sprintf("SELECT t.tx_id, t.amount, t.ts, m.merchant_id FROM transactions_1 t CROSS JOIN (SELECT merchant_id FROM bank::merchants_1 WHERE merchant_id <= %d) m", merchants)
}

// TestResultsLargerThanMemoryStream checks that a result many times larger
// than the memory a query holds at once streams through both APIs: the
// most Arrow memory held at any time stays a small fraction of the bytes
// delivered.
func TestResultsLargerThanMemoryStream(t *testing.T) {
	txs := int64(len(localtest.ReadTable(t, warehouse, "fraud", "transactions_1")))
	const limit = 16 << 20
	open := func(mem memory.Allocator) *sql.DB {
		c, err := NewConnector(&Config{Warehouse: warehouse, Project: "fraud", Mem: mem, MemoryLimit: limit})
		require.NoError(t, err)
		db := sql.OpenDB(c)
		t.Cleanup(func() { db.Close() })
		return db
	}

	t.Run("arrow", func(t *testing.T) {
		mem := newPeakAllocator()
		defer mem.AssertSize(t, 0)
		ctx := context.Background()
		conn, err := open(mem).Conn(ctx)
		require.NoError(t, err)
		defer conn.Close()
		rr, err := QueryArrow(ctx, conn, bigResult(32))
		require.NoError(t, err)
		var rows, bytes int64
		for rr.Next() {
			rec := rr.Record()
			rows += rec.NumRows()
			for _, c := range rec.Columns() {
				for _, b := range c.Data().Buffers() {
					if b != nil {
						bytes += int64(b.Len())
					}
				}
			}
		}
		require.NoError(t, rr.Err())
		rr.Release()
		assert.Equal(t, txs*32, rows)
		t.Logf("delivered %d rows, %d MiB; peak Arrow memory %.1f MiB", rows, bytes>>20, float64(mem.peak.Load())/(1<<20))
		assert.Less(t, mem.peak.Load(), int64(limit), "peak Arrow memory")
		assert.Less(t, mem.peak.Load()*5, bytes, "the result must be far larger than what is held at once")
	})

	t.Run("rows", func(t *testing.T) {
		mem := newPeakAllocator()
		defer mem.AssertSize(t, 0)
		rows, err := open(mem).Query(bigResult(8)) // rows.Scan is slower: fewer rows
		require.NoError(t, err)
		var n, sum int64
		for rows.Next() {
			var id, merchant int64
			var amount string
			var ts time.Time
			require.NoError(t, rows.Scan(&id, &amount, &ts, &merchant))
			n++
			sum += merchant
		}
		require.NoError(t, rows.Err())
		require.NoError(t, rows.Close())
		assert.Equal(t, txs*8, n)
		assert.Equal(t, txs*(8*9/2), sum)
		t.Logf("scanned %d rows; peak Arrow memory %.1f MiB", n, float64(mem.peak.Load())/(1<<20))
		assert.Less(t, mem.peak.Load(), int64(limit), "peak Arrow memory")
	})
}

func TestQueryTimeout(t *testing.T) {
	c, err := NewConnector(&Config{Warehouse: warehouse, Project: "fraud", QueryTimeout: time.Millisecond})
	require.NoError(t, err)
	db := sql.OpenDB(c)
	defer db.Close()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	require.NoError(t, err)
	defer conn.Close()

	drainErr := func(next func() bool, err func() error) error {
		for next() {
		}
		return err()
	}
	rr, err := QueryArrow(ctx, conn, bigResult(32))
	if err == nil {
		err = drainErr(rr.Next, rr.Err)
		rr.Release()
	}
	assert.ErrorIs(t, err, context.DeadlineExceeded, "Arrow API")

	rows, err := conn.QueryContext(ctx, bigResult(32))
	if err == nil {
		err = drainErr(rows.Next, rows.Err)
		rows.Close()
	}
	assert.ErrorIs(t, err, context.DeadlineExceeded, "rows")
}

func TestProgressCountsWhatScansRead(t *testing.T) {
	db, _ := openDB(t)
	txs := int64(len(localtest.ReadTable(t, warehouse, "fraud", "transactions_1")))
	var p Progress
	ctx := WithProgress(context.Background(), &p)
	var n int64
	require.NoError(t, db.QueryRowContext(ctx, "SELECT count(*) FROM transactions_1 WHERE amount > 0").Scan(&n))
	assert.Equal(t, txs, p.RowsRead(), "every row of the table is read to filter it")
	assert.Positive(t, p.BytesRead())

	// A query without WithProgress counts into no earlier Progress.
	before := p.RowsRead()
	require.NoError(t, db.QueryRow("SELECT count(*) FROM transactions_1 WHERE amount > 0").Scan(&n))
	assert.Equal(t, before, p.RowsRead())
}
