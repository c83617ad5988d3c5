package hopsworks

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/hopsql/hopsql/connector"
	"github.com/hopsql/hopsql/connector/hopsworks/hopsworkstest"
)

// The Flight side against injected faults: retries, errors, cut streams,
// cancellation, timeouts, and the Query Service without a version.

// flightCalls counts the Flight calls named call the server received,
// and those of them that failed.
func flightCalls(srv *hopsworkstest.Server, call string) (n, failed int) {
	for _, r := range srv.Faults().FlightRequests() {
		if r.Call == call {
			n++
			if r.Code != codes.OK {
				failed++
			}
		}
	}
	return n, failed
}

// planTransactions plans a read of fraud::transactions_1's tx_id.
func planTransactions(t *testing.T, c *Client) connector.Scan {
	t.Helper()
	fg := featureGroup(t, c, "fraud", "transactions", 1)
	s, err := c.PlanScan(context.Background(), fg, connector.ScanRequest{Columns: []string{"tx_id"}})
	require.NoError(t, err)
	return s
}

// drain reads rr to its end and returns the rows it yielded and its error.
func drain(rr array.RecordReader) (int, error) {
	n := 0
	for rr.Next() {
		n += int(rr.Record().NumRows())
	}
	return n, rr.Err()
}

func TestFlightRetries(t *testing.T) {
	srv := startServer(t)
	c := connect(t, srv, "fraud", "fraud_user")
	s := planTransactions(t, c)
	total := len(warehouse.rows(t, "fraud", "transactions_1"))
	busyMsg := "no free slot available for fraud__fraud_user"

	tests := []struct {
		name, call string
		code       codes.Code
		msg        string
	}{
		{"DoGet unavailable", "DoGet", codes.Unavailable, "injected: try again"},
		{"GetFlightInfo unavailable", "GetFlightInfo", codes.Unavailable, "injected: try again"},
		{"busy", "GetFlightInfo", codes.Unknown, busyMsg},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			srv.Faults().ResetRequests()
			srv.Faults().FailFlight(tt.call, tt.code, tt.msg, 1)
			rr, err := s.Partitions()[0].Open(context.Background(), mem)
			require.NoError(t, err)
			n, err := drain(rr)
			rr.Release()
			require.NoError(t, err)
			assert.Equal(t, total, n)
			calls, failed := flightCalls(srv, tt.call)
			assert.Equal(t, 2, calls, "one failure, one retry")
			assert.Equal(t, 1, failed)
		})
	}

	t.Run("busy for good", func(t *testing.T) {
		srv.Faults().ResetRequests()
		srv.Faults().FailFlight("GetFlightInfo", codes.Unknown, busyMsg, 0)
		defer srv.Faults().Clear()
		_, err := s.Partitions()[0].Open(context.Background(), memory.NewGoAllocator())
		require.ErrorIs(t, err, ErrQueryServiceBusy)
		calls, _ := flightCalls(srv, "GetFlightInfo")
		assert.Equal(t, c.flightRetry.attempts, calls, "retried as often as the policy allows")
	})

	errorCases := []struct {
		name, msg, want string
		code            codes.Code
	}{
		{"no commits", "No commits found for fraud.transactions_1. Details: stack trace", "no data yet (No commits found for fraud.transactions_1.)", codes.Unknown},
		{"no data", "No data found for featuregroup fraud.transactions_1", "found no data", codes.Unknown},
		{"no hudi properties", "No hudi properties found", "found no table", codes.Unknown},
		{"anything else", "boom", "could not read data using the Hopsworks Query Service", codes.Internal},
		{"refused certificates", "who are you", "refused the project's certificates", codes.PermissionDenied},
	}
	for _, tt := range errorCases {
		t.Run(tt.name, func(t *testing.T) {
			srv.Faults().ResetRequests()
			srv.Faults().FailFlight("DoGet", tt.code, tt.msg, 1)
			_, err := s.Partitions()[0].Open(context.Background(), memory.NewGoAllocator())
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Equal(t, tt.code, status.Code(err), "the gRPC status is kept")
			calls, _ := flightCalls(srv, "DoGet")
			assert.Equal(t, 1, calls, "not retried")
		})
	}
}

// TestFlightStreamCut checks that a stream that ends with an error after
// some batches is an error, never a short success.
func TestFlightStreamCut(t *testing.T) {
	srv := startServer(t)
	c := connect(t, srv, "fraud", "fraud_user")
	s := planTransactions(t, c)
	total := len(warehouse.rows(t, "fraud", "transactions_1"))
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)

	srv.Faults().CutStream(1, 1)
	rr, err := s.Partitions()[0].Open(context.Background(), mem)
	require.NoError(t, err)
	n, err := drain(rr)
	rr.Release()
	require.Error(t, err)
	assert.Less(t, n, total)
	assert.Positive(t, n, "the batch before the cut came through")
	assert.Contains(t, err.Error(), "Hopsworks Query Service")

	rr, err = s.Partitions()[0].Open(context.Background(), mem)
	require.NoError(t, err)
	n, err = drain(rr)
	rr.Release()
	require.NoError(t, err, "the fault is spent")
	assert.Equal(t, total, n)
}

// TestFlightCancel cancels a read mid-stream: Next returns promptly with
// the context's error, and no goroutine outlives the reader.
func TestFlightCancel(t *testing.T) {
	srv := startServer(t)
	c := connect(t, srv, "fraud", "fraud_user")
	s := planTransactions(t, c)
	readScan(t, s) // connect to the Query Service first

	base := runtime.NumGoroutine()
	for range 3 {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		ctx, cancel := context.WithCancel(context.Background())
		rr, err := s.Partitions()[0].Open(ctx, mem)
		require.NoError(t, err)
		require.True(t, rr.Next())
		cancel()
		assert.False(t, rr.Next(), "no batch after the cancellation")
		assert.ErrorIs(t, rr.Err(), context.Canceled)
		rr.Release()
		mem.AssertSize(t, 0)
	}

	// A reader released early, as after a LIMIT, ends its stream.
	for range 3 {
		rr, err := s.Partitions()[0].Open(context.Background(), memory.NewGoAllocator())
		require.NoError(t, err)
		require.True(t, rr.Next())
		rr.Release()
	}

	// Also a read that is cancelled while it waits for the first batch.
	srv.Faults().ResetRequests()
	srv.Faults().DelayFlight("DoGet", time.Minute, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := s.Partitions()[0].Open(ctx, memory.NewGoAllocator())
		done <- err
	}()
	require.Eventually(t, func() bool {
		n, _ := flightCalls(srv, "GetFlightInfo")
		return n > 0
	}, 10*time.Second, 5*time.Millisecond, "the read reaches DoGet")
	cancel()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, context.Canceled)
	case <-time.After(5 * time.Second):
		t.Fatal("Open did not return after the cancellation")
	}
	srv.Faults().Clear()

	waitGoroutines(t, base)
}

// waitGoroutines waits up to 10 s for the number of goroutines to come
// down to base, and fails the test with their stacks if it does not.
func waitGoroutines(t *testing.T, base int) {
	t.Helper()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for runtime.NumGoroutine() > base {
		select {
		case <-tick.C:
		case <-deadline.C:
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines outlive the readers (%d before):\n%s", runtime.NumGoroutine(), base, buf[:runtime.Stack(buf, true)])
		}
	}
}

// TestFlightTimeout checks that a Query Service that sends nothing for
// longer than the Flight timeout fails the read.
func TestFlightTimeout(t *testing.T) {
	srv := startServer(t)
	o, _ := serverOptions(t, srv, "fraud", srv.NewAPIKey("fraud_user"))
	o.FlightTimeout = 300 * time.Millisecond
	c, err := Connect(context.Background(), o)
	require.NoError(t, err)
	defer c.Close()
	s := planTransactions(t, c)
	srv.Faults().DelayFlight("DoGet", time.Minute, 1)
	start := time.Now()
	_, err = s.Partitions()[0].Open(context.Background(), memory.NewGoAllocator())
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "Flight timeout")
	assert.Less(t, time.Since(start), 10*time.Second)
}

// TestFlightConnection checks that the client connects once, with the
// health check and get-version, and reuses the connection, also for
// concurrent reads.
func TestFlightConnection(t *testing.T) {
	srv := startServer(t)
	c := connect(t, srv, "fraud", "fraud_user")
	s := planTransactions(t, c)
	total := len(warehouse.rows(t, "fraud", "transactions_1"))
	const readers = 4
	var wg sync.WaitGroup
	rows := make([]int, readers)
	errs := make([]error, readers)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	for i := range readers {
		wg.Go(func() {
			rr, err := s.Partitions()[0].Open(context.Background(), mem)
			if err != nil {
				errs[i] = err
				return
			}
			rows[i], errs[i] = drain(rr)
			rr.Release()
		})
	}
	wg.Wait()
	mem.AssertSize(t, 0)
	for i := range readers {
		require.NoError(t, errs[i])
		assert.Equal(t, total, rows[i])
	}
	for call, want := range map[string]int{
		"DoAction:healthcheck": 1, "ListActions": 1, "DoAction:get-version": 1,
		"DoAction:" + actionRegisterCerts: 0, "GetFlightInfo": readers, "DoGet": readers,
	} {
		n, _ := flightCalls(srv, call)
		assert.Equal(t, want, n, call)
	}
	for _, r := range srv.Faults().FlightRequests() {
		assert.Equal(t, "fraud__fraud_user", r.Subject, "every call authenticates with the project user's certificate")
	}
	for _, line := range s.Explain() {
		assert.NotContains(t, line, string(c.certs.password))
		assert.NotContains(t, line, c.certs.kStore[:32])
		assert.NotContains(t, line, string(*c.key))
	}
}

// TestFlightUnversioned reads from a Query Service without get-version,
// which takes the certificates by registration, and registers again when
// it asks to.
func TestFlightUnversioned(t *testing.T) {
	srv := startServerWith(t, hopsworkstest.Config{FlightNoVersion: true})
	c := connect(t, srv, "fraud", "fraud_user")
	s := planTransactions(t, c)
	total := len(warehouse.rows(t, "fraud", "transactions_1"))
	assert.Len(t, readScan(t, s), total)
	n, _ := flightCalls(srv, "DoAction:"+actionRegisterCerts)
	assert.Equal(t, 1, n)

	srv.Faults().FailFlight("DoGet", codes.Unknown, msgRegisterFirst, 1)
	assert.Len(t, readScan(t, s), total)
	n, _ = flightCalls(srv, "DoAction:"+actionRegisterCerts)
	assert.Equal(t, 2, n, "registered again")
}

// TestFlightServerName checks that the Query Service's certificate is
// verified under flyingduck.service.<domain>, the domain from the
// cluster's variable.
func TestFlightServerName(t *testing.T) {
	srv := startServerWith(t, hopsworkstest.Config{Domain: "hopsworks.test"})
	c := connect(t, srv, "fraud", "fraud_user")
	s := planTransactions(t, c)
	assert.Contains(t, strings.Join(s.Explain(), "\n"), "server name flyingduck.service.hopsworks.test")
	assert.Len(t, readScan(t, s), len(warehouse.rows(t, "fraud", "transactions_1")))

	// Without the variable the client expects flyingduck.service.consul,
	// for which the server has no certificate.
	other := connect(t, srv, "fraud", "fraud_user")
	srv.Faults().FailHTTP("GET", "/variables/service_discovery_domain", 404, 1)
	s = planTransactions(t, other)
	_, err := s.Partitions()[0].Open(context.Background(), memory.NewGoAllocator())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "TLS handshake")
	assert.False(t, errors.Is(err, context.DeadlineExceeded))
}

// TestFlightClose closes the client while a stream is open: the stream
// ends with ErrClosed.
func TestFlightClose(t *testing.T) {
	srv := startServer(t)
	o, _ := serverOptions(t, srv, "fraud", srv.NewAPIKey("fraud_user"))
	c, err := Connect(context.Background(), o)
	require.NoError(t, err)
	s := planTransactions(t, c)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rr, err := s.Partitions()[0].Open(context.Background(), mem)
	require.NoError(t, err)
	defer rr.Release()
	require.True(t, rr.Next())
	require.NoError(t, c.Close())
	assert.False(t, rr.Next())
	assert.ErrorIs(t, rr.Err(), ErrClosed)

	// A read waiting for its first batch ends too.
	c, err = Connect(context.Background(), o)
	require.NoError(t, err)
	s = planTransactions(t, c)
	srv.Faults().ResetRequests()
	srv.Faults().DelayFlight("DoGet", time.Minute, 1)
	done := make(chan error, 1)
	go func() {
		_, err := s.Partitions()[0].Open(context.Background(), memory.NewGoAllocator())
		done <- err
	}()
	require.Eventually(t, func() bool {
		n, _ := flightCalls(srv, "GetFlightInfo")
		return n > 0
	}, 10*time.Second, 5*time.Millisecond, "the read reaches DoGet")
	require.NoError(t, c.Close())
	select {
	case err := <-done:
		assert.ErrorIs(t, err, ErrClosed)
	case <-time.After(5 * time.Second):
		t.Fatal("Open did not return after Close")
	}
}
