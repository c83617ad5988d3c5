package hopsworkstest

import (
	"context"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/flight"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/hopsql/hopsql/connector/local/localtest"
)

// transactionsPayload selects every row of transactions with the columns
// given, behind an optional WHERE.
func transactionsPayload(t testing.TB, where string) []byte {
	q := `SELECT "fg0"."tx_id" "tx_id", "fg0"."amount" "amount", "fg0"."ts" "ts" FROM "fraud.transactions_1" "fg0"`
	if where != "" {
		q += " WHERE " + where
	}
	return payload(t, obj{"query_string": q, "features": obj{"fraud.transactions_1": []any{"tx_id", "amount", "ts"}},
		"filters": nil, "connectors": obj{"fraud.transactions_1": obj{"time_travel_type": "hudi"}}})
}

// requireBatchesOf checks that every batch but the last has exactly
// FlightBatchRows rows and that they add up to total.
func requireBatchesOf(t *testing.T, batches []int64, total int) {
	t.Helper()
	require.NotEmpty(t, batches)
	sum := int64(0)
	for i, n := range batches {
		if i < len(batches)-1 {
			require.EqualValues(t, FlightBatchRows, n, "batch %d of %v", i, batches)
		} else {
			require.LessOrEqual(t, n, int64(FlightBatchRows))
			require.Positive(t, n)
		}
		sum += n
	}
	require.EqualValues(t, total, sum)
}

func TestFlightBatchesOf65536Rows(t *testing.T) {
	s := start(t, Config{})
	u := connectUser(t, s, "fraud")
	all := oracleRows(t, "fraud", "transactions_1", nil, "tx_id", "amount", "ts")
	require.Greater(t, len(all), FlightBatchRows, "the demo store has more than one batch of transactions")
	tests := []struct {
		name  string
		where string
		keep  func(localtest.Row) bool
	}{
		{"whole table", "", nil},
		// A filter leaves the engine's batches ragged: the server re-cuts them.
		{"filtered", `"fg0"."amount" > 20`, func(r localtest.Row) bool { return decimal(t, r["amount"]) > 20 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := oracleRows(t, "fraud", "transactions_1", tt.keep, "tx_id", "amount", "ts")
			ctx := context.Background()
			res, err := u.read(t, ctx, u.withCerts(t, ctx), cmd(transactionsPayload(t, tt.where)))
			require.NoError(t, err)
			requireBatchesOf(t, res.batches, len(want))
			assert.Equal(t, localtest.Sorted(want), localtest.Sorted(res.rows))
		})
	}
}

func TestFlightEmptyResultHasSchema(t *testing.T) {
	s := start(t, Config{})
	u := connectUser(t, s, "fraud")
	ctx := context.Background()
	res, err := u.read(t, ctx, u.withCerts(t, ctx), cmd(transactionsPayload(t, `"fg0"."amount" < 0`)))
	require.NoError(t, err)
	assert.Empty(t, res.rows)
	assert.Equal(t, []string{"tx_id", "amount", "ts"}, fieldNames(res.schema))
}

func TestFlightPathDescriptor(t *testing.T) {
	s := start(t, Config{})
	u := connectUser(t, s, "fraud")
	files, err := filepath.Glob(filepath.Join(demoDir, "bank", "customers_1", "*.parquet"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	pf, err := file.OpenParquetFile(files[0], false)
	require.NoError(t, err)
	fileRows := pf.NumRows()
	require.NoError(t, pf.Close())
	tableRows := len(localtest.ReadTable(t, demoDir, "bank", "customers_1"))

	const dir = "hopsfs://namenode.service.consul:8020/apps/hive/warehouse/bank_featurestore.db/customers_1"
	tests := []struct {
		name string
		path string
		code codes.Code
		rows int
	}{
		{"offline table of a shared feature group", dir, codes.OK, tableRows},
		{"without the namenode", "/apps/hive/warehouse/bank_featurestore.db/customers_1/", codes.OK, tableRows},
		{"one Parquet file", dir + "/" + filepath.Base(files[0]), codes.OK, int(fileRows)},
		{"missing file", dir + "/part-9999.parquet", codes.NotFound, 0},
		{"escaping the table", dir + "/..", codes.Unknown, 0},
		{"not a feature store path", "/Projects/fraud/Resources/data.parquet", codes.NotFound, 0},
		{"store not shared", "/apps/hive/warehouse/marketing_featurestore.db/campaigns_1", codes.PermissionDenied, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			desc := &flight.FlightDescriptor{Type: flight.DescriptorPATH, Path: []string{tt.path}}
			res, err := u.read(t, ctx, u.withCerts(t, ctx), desc)
			require.Equal(t, tt.code, status.Code(err), "%v", err)
			if tt.code == codes.OK {
				assert.Len(t, res.rows, tt.rows)
				assert.Equal(t, "customer_id", res.schema.Field(0).Name)
			}
		})
	}
}

func TestFlightInjectedFaults(t *testing.T) {
	s := start(t, Config{})
	u := connectUser(t, s, "fraud")
	p := transactionsPayload(t, "")
	total := len(localtest.ReadTable(t, demoDir, "fraud", "transactions_1"))

	t.Run("UNAVAILABLE once, then served", func(t *testing.T) {
		s.Faults().FailFlight("GetFlightInfo", codes.Unavailable, "connection refused", 1)
		ctx := context.Background()
		_, err := u.read(t, ctx, u.withCerts(t, ctx), cmd(p))
		require.Equal(t, codes.Unavailable, status.Code(err), "%v", err)
		res, err := u.read(t, ctx, u.withCerts(t, ctx), cmd(p))
		require.NoError(t, err)
		assert.Len(t, res.rows, total)
	})

	t.Run("queue full", func(t *testing.T) {
		s.Faults().FailFlight("DoGet", codes.Unknown, "no free slot available for fraud__fraud_user", 1)
		ctx := context.Background()
		_, err := u.read(t, ctx, u.withCerts(t, ctx), cmd(p))
		require.Equal(t, codes.Unknown, status.Code(err), "%v", err)
		assert.Contains(t, err.Error(), "no free slot available for")
	})

	t.Run("action fails", func(t *testing.T) {
		s.Faults().FailFlight("DoAction:healthcheck", codes.Unavailable, "starting", 2)
		ctx := context.Background()
		for i := 0; i < 2; i++ {
			assert.Equal(t, codes.Unavailable, status.Code(healthcheck(ctx, u.client)))
		}
		assert.NoError(t, healthcheck(ctx, u.client))
	})

	t.Run("stream cut after one batch is an error, not a short result", func(t *testing.T) {
		s.Faults().CutStream(1, 1)
		ctx := context.Background()
		res, err := u.read(t, ctx, u.withCerts(t, ctx), cmd(p))
		require.Error(t, err)
		assert.Equal(t, codes.Internal, status.Code(err), "%v", err)
		require.NotNil(t, res)
		assert.Equal(t, []int64{FlightBatchRows}, res.batches)

		res, err = u.read(t, ctx, u.withCerts(t, ctx), cmd(p))
		require.NoError(t, err, "the cut is spent")
		assert.Len(t, res.rows, total)
	})

	t.Run("a stall waits for the client to cancel", func(t *testing.T) {
		s.Faults().ResetRequests()
		s.Faults().StallStream(1, 1)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		info, err := u.client.GetFlightInfo(ctx, cmd(p))
		require.NoError(t, err)
		stream, err := u.client.DoGet(u.withCerts(t, ctx), info.Endpoint[0].Ticket)
		require.NoError(t, err)
		rr, err := flight.NewRecordReader(stream)
		require.NoError(t, err)
		defer rr.Release()
		require.True(t, rr.Next())
		assert.Equal(t, int64(FlightBatchRows), rr.Record().NumRows())
		cancel()
		assert.False(t, rr.Next())
		require.Eventually(t, func() bool {
			for _, c := range s.Faults().FlightRequests() {
				if c.Call == "DoGet" {
					return c.Code == codes.Canceled
				}
			}
			return false
		}, 10*time.Second, 5*time.Millisecond, "the server logs the DoGet as cancelled")

		res, err := u.read(t, context.Background(), u.withCerts(t, context.Background()), cmd(p))
		require.NoError(t, err, "the stall is spent")
		assert.Len(t, res.rows, total)
	})

	t.Run("delay beyond the client's deadline", func(t *testing.T) {
		s.Faults().DelayFlight("GetFlightInfo", time.Minute, 1)
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		_, err := u.client.GetFlightInfo(ctx, cmd(p))
		assert.Equal(t, codes.DeadlineExceeded, status.Code(err), "%v", err)
		_, err = u.client.GetFlightInfo(context.Background(), cmd(p))
		assert.NoError(t, err, "the delay is spent")
	})
}

func TestFlightCancelMidStream(t *testing.T) {
	s := start(t, Config{})
	u := connectUser(t, s, "fraud")
	// A cross join of 100 million rows: the server is still producing when
	// the client gives up.
	p := payload(t, obj{
		"query_string": `SELECT "fg1"."tx_id" "tx_id", "fg0"."merchant_id" "merchant_id" FROM "fraud.transactions_1" "fg1" CROSS JOIN "bank.merchants_1" "fg0"`,
		"features":     obj{"fraud.transactions_1": []any{"tx_id"}, "bank.merchants_1": []any{"merchant_id"}},
		"filters":      nil,
		"connectors":   obj{"fraud.transactions_1": obj{"type": "hudi"}, "bank.merchants_1": obj{"type": "hudi"}},
	})
	require.NoError(t, healthcheck(context.Background(), u.client))
	baseline := runtime.NumGoroutine()

	ctx, cancel := context.WithCancel(context.Background())
	info, err := u.client.GetFlightInfo(ctx, cmd(p))
	require.NoError(t, err)
	stream, err := u.client.DoGet(u.withCerts(t, ctx), info.Endpoint[0].Ticket)
	require.NoError(t, err)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	rr, err := flight.NewRecordReader(stream, ipc.WithAllocator(mem))
	require.NoError(t, err)
	require.True(t, rr.Next(), "first batch: %v", rr.Err())
	assert.EqualValues(t, FlightBatchRows, rr.Record().NumRows())
	cancel()
	for rr.Next() {
	}
	assert.Equal(t, codes.Canceled, status.Code(rr.Err()), "%v", rr.Err())
	rr.Release()
	mem.AssertSize(t, 0)

	require.Eventually(t, func() bool {
		return slices.ContainsFunc(s.Faults().FlightRequests(), func(r FlightRequest) bool {
			return r.Call == "DoGet" && r.Code == codes.Canceled
		})
	}, 10*time.Second, 10*time.Millisecond, "the server ends the call as cancelled: %v", s.Faults().FlightRequests())
	// Polled by hand: assert.Eventually runs its condition in a goroutine
	// of its own, which would be counted.
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > baseline && time.Now().Before(deadline) {
		<-tick.C
	}
	if n := runtime.NumGoroutine(); n > baseline {
		buf := make([]byte, 1<<20)
		t.Fatalf("%d goroutines, %d before the query:\n%s", n, baseline, buf[:runtime.Stack(buf, true)])
	}
}

func TestRechunker(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{{Name: "n", Type: arrow.PrimitiveTypes.Int64}}, nil)
	next := int64(0)
	batch := func(rows int) arrow.Record {
		b := array.NewInt64Builder(mem)
		defer b.Release()
		for i := 0; i < rows; i++ {
			b.Append(next)
			next++
		}
		col := b.NewArray()
		defer col.Release()
		return array.NewRecord(schema, []arrow.Array{col}, int64(rows))
	}
	r := &rechunker{size: 4, mem: mem}
	var sizes []int64
	var values []int64
	take := func() {
		rec, err := r.take()
		require.NoError(t, err)
		defer rec.Release()
		sizes = append(sizes, rec.NumRows())
		values = append(values, rec.Column(0).(*array.Int64).Int64Values()...)
	}
	for _, n := range []int{3, 0, 5, 1, 4, 7, 2} {
		rec := batch(n)
		r.add(rec)
		rec.Release()
		for r.rows >= r.size {
			take()
		}
	}
	for r.rows > 0 {
		take()
	}
	assert.Equal(t, []int64{4, 4, 4, 4, 4, 2}, sizes)
	want := make([]int64, next)
	for i := range want {
		want[i] = int64(i)
	}
	assert.Equal(t, want, values, "rows keep their order")

	// Rows not taken are released.
	rec := batch(3)
	r.add(rec)
	rec.Release()
	r.release()
}
