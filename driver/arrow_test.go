package driver

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/hopsql/hopsql/connector/local/localtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQueryArrow(t *testing.T) {
	db, _ := openDB(t)
	ctx := context.Background()
	c, err := db.Conn(ctx)
	require.NoError(t, err)
	defer c.Close()

	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rr, err := ArrowOptions{Mem: mem}.QueryArrow(ctx, c, "SELECT customer_id, name FROM bank::customers_1 WHERE customer_id <= ? ORDER BY customer_id", 3)
	require.NoError(t, err)
	assert.Equal(t, []string{"customer_id", "name"}, []string{rr.Schema().Field(0).Name, rr.Schema().Field(1).Name})
	got := localtest.Rows(t, rr)
	rr.Release()
	want := localtest.Index(localtest.ReadTable(t, warehouse, "bank", "customers_1"), "customer_id")
	require.Len(t, got, 3)
	for i, row := range got {
		assert.Equal(t, []string{localtest.Text(int64(i + 1)), localtest.Text(want[int64(i+1)][0]["name"])}, row)
	}

	// Releasing early stops the query and frees its batches.
	rr, err = ArrowOptions{Mem: mem}.QueryArrow(ctx, c, "SELECT * FROM transactions_1")
	require.NoError(t, err)
	require.True(t, rr.Next())
	assert.Positive(t, rr.Record().NumRows())
	rr.Release()

	// A cancelled context ends the stream with its error.
	cctx, cancel := context.WithCancel(ctx)
	rr, err = ArrowOptions{Mem: mem}.QueryArrow(cctx, c, "SELECT * FROM transactions_1")
	require.NoError(t, err)
	require.True(t, rr.Next())
	cancel()
	for rr.Next() {
	}
	assert.ErrorIs(t, rr.Err(), context.Canceled)
	rr.Release()

	_, err = QueryArrow(ctx, c, "SELECT 1 WHERE 1 = ?", struct{}{})
	assert.ErrorContains(t, err, "argument 1")
	_, err = QueryArrow(ctx, c, "DELETE FROM transactions_1")
	assert.ErrorIs(t, err, ErrReadOnly)
}

// registerOther registers otherDriver once per test binary (go test
// -count runs the test again in the same process).
var registerOther sync.Once

func TestQueryArrowOtherDriver(t *testing.T) {
	registerOther.Do(func() { sql.Register("hopsql-test-other", otherDriver{}) })
	db, err := sql.Open("hopsql-test-other", "")
	require.NoError(t, err)
	defer db.Close()
	c, err := db.Conn(context.Background())
	require.NoError(t, err)
	defer c.Close()
	_, err = QueryArrow(context.Background(), c, "SELECT 1")
	assert.ErrorContains(t, err, "needs a hopsql connection")
}

type otherDriver struct{}

func (otherDriver) Open(string) (driver.Conn, error) { return otherConn{}, nil }

type otherConn struct{ driver.Conn }

func (otherConn) Close() error { return nil }

// TestCellReaders converts every Arrow type the rows understand, NULLs
// included.
func TestCellReaders(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ts := time.Date(2026, 3, 1, 12, 30, 15, 123000000, time.UTC)
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		typ  arrow.DataType
		json string
		want driver.Value
	}{
		{arrow.PrimitiveTypes.Int8, `[-5, null]`, int64(-5)},
		{arrow.PrimitiveTypes.Int16, `[-5, null]`, int64(-5)},
		{arrow.PrimitiveTypes.Int32, `[-5, null]`, int64(-5)},
		{arrow.PrimitiveTypes.Int64, `[-5, null]`, int64(-5)},
		{arrow.PrimitiveTypes.Uint8, `[5, null]`, int64(5)},
		{arrow.PrimitiveTypes.Uint16, `[5, null]`, int64(5)},
		{arrow.PrimitiveTypes.Uint32, `[5, null]`, int64(5)},
		{arrow.PrimitiveTypes.Uint64, `[5, null]`, int64(5)},
		{arrow.PrimitiveTypes.Float32, `[1.5, null]`, 1.5},
		{arrow.PrimitiveTypes.Float64, `[1.5, null]`, 1.5},
		{arrow.FixedWidthTypes.Float16, `[1.5, null]`, 1.5},
		{arrow.FixedWidthTypes.Boolean, `[true, null]`, true},
		{arrow.BinaryTypes.String, `["héllo", null]`, "héllo"},
		{arrow.BinaryTypes.LargeString, `["héllo", null]`, "héllo"},
		{arrow.BinaryTypes.Binary, `["AQI=", null]`, []byte{1, 2}},
		{&arrow.Decimal128Type{Precision: 12, Scale: 2}, `["-12.05", null]`, "-12.05"},
		{arrow.FixedWidthTypes.Date32, `["2026-03-01", null]`, day},
		{arrow.FixedWidthTypes.Date64, `["2026-03-01", null]`, day},
		{&arrow.TimestampType{Unit: arrow.Microsecond}, `["2026-03-01T12:30:15.123", null]`, ts},
		{&arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}, `["2026-03-01T12:30:15.123", null]`, ts},
		{arrow.ListOf(arrow.PrimitiveTypes.Int64), `[[1, 2], null]`, "[1,2]"},
	}
	for _, tt := range tests {
		t.Run(tt.typ.String(), func(t *testing.T) {
			col, _, err := array.FromJSON(mem, tt.typ, strings.NewReader(tt.json))
			require.NoError(t, err)
			defer col.Release()
			read := cellReader(col)
			v, err := read(0)
			require.NoError(t, err)
			assert.Equal(t, tt.want, v)
			v, err = read(1)
			require.NoError(t, err)
			assert.Nil(t, v)
		})
	}
	big, _, err := array.FromJSON(mem, arrow.PrimitiveTypes.Uint64, strings.NewReader(`[18446744073709551615]`))
	require.NoError(t, err)
	defer big.Release()
	_, err = cellReader(big)(0)
	assert.ErrorContains(t, err, "out of the range")
}

func TestFormatDecimal(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	values := []int64{0, 1, -1, 5, -5, 10, 99, -100, 123456, math.MaxInt64, math.MinInt64, math.MinInt64 + 1}
	for range 2000 {
		values = append(values, rng.Int64()>>rng.IntN(63))
		values = append(values, -(rng.Int64() >> rng.IntN(63)))
	}
	for _, v := range values {
		for _, scale := range []int32{0, 1, 2, 5, 18} {
			n := decimal128.FromI64(v)
			require.Equal(t, n.ToString(scale), formatDecimal(n, scale), "%d scale %d", v, scale)
		}
	}
	big := decimal128.New(5, 7)
	assert.Equal(t, big.ToString(3), formatDecimal(big, 3))
}
