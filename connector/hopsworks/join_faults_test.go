package hopsworks

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/hopsql/hopsql/connector"
	"github.com/hopsql/hopsql/connector/hopsworks/hopsworkstest"
)

// A pushed join against injected faults: each failure is a clear error,
// never a short result; retries happen before the first batch only; a
// cancelled read ends the server's stream.

// bigJoin is a join whose result (every transaction with its customer)
// takes two Flight batches.
var bigJoin = joinCase{
	inputs: []joinInput{
		{"fraud", "transactions", []string{"tx_id", "amount"}, nil, nil},
		{"bank", "customers", []string{"name", "segment"}, nil, nil},
	},
	steps: []joinStep{{connector.InnerJoin, [][2]string{{"customer_id", "customer_id"}}}},
}

// planBigJoin plans bigJoin on c.
func planBigJoin(t *testing.T, c *Client) connector.JoinScan {
	t.Helper()
	s, err := c.PlanJoin(context.Background(), bigJoin.request(t, c))
	require.NoError(t, err)
	return s
}

func TestJoinFaults(t *testing.T) {
	srv := startServer(t)
	c := connect(t, srv, "fraud", "fraud_user")
	s := planBigJoin(t, c)
	total := len(bigJoin.oracle(t))
	require.Greater(t, total, hopsworkstest.FlightBatchRows, "the result takes more than one batch")
	open := func(t *testing.T) (int, error) {
		t.Helper()
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		rr, err := s.Partitions()[0].Open(context.Background(), mem)
		if err != nil {
			return 0, err
		}
		defer rr.Release()
		return drain(rr)
	}

	t.Run("unavailable before the first batch is retried", func(t *testing.T) {
		srv.Faults().ResetRequests()
		srv.Faults().FailFlight("DoGet", codes.Unavailable, "injected: try again", 1)
		n, err := open(t)
		require.NoError(t, err)
		assert.Equal(t, total, n)
		calls, failed := flightCalls(srv, "DoGet")
		assert.Equal(t, []int{2, 1}, []int{calls, failed})
	})
	t.Run("a stream cut after the first batch is an error", func(t *testing.T) {
		srv.Faults().ResetRequests()
		srv.Faults().CutStream(1, 1)
		n, err := open(t)
		require.Error(t, err)
		assert.Equal(t, hopsworkstest.FlightBatchRows, n, "the batch before the cut came through, and nothing else")
		assert.Contains(t, err.Error(), "broke off after 65536 rows")
		assert.Equal(t, codes.Internal, status.Code(err))
		calls, _ := flightCalls(srv, "DoGet")
		assert.Equal(t, 1, calls, "not retried after a batch was handed on")
	})
	t.Run("a full queue", func(t *testing.T) {
		srv.Faults().ResetRequests()
		srv.Faults().FailFlight("GetFlightInfo", codes.Unknown, "no free slot available for fraud__fraud_user", 0)
		defer srv.Faults().Clear()
		_, err := open(t)
		require.ErrorIs(t, err, ErrQueryServiceBusy)
		calls, _ := flightCalls(srv, "GetFlightInfo")
		assert.Equal(t, c.flightRetry.attempts, calls)
	})
	t.Run("a server error of the query constructor", func(t *testing.T) {
		srv.Faults().ResetRequests()
		srv.Faults().FailHTTP("PUT", "/featurestores/query", 503, 1)
		_, err := c.PlanJoin(context.Background(), bigJoin.request(t, c))
		require.Error(t, err)
		assert.NotErrorIs(t, err, connector.ErrJoinRefused, "a failure, not a refusal")
		var apiErr *APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, 503, apiErr.Status)
		assert.Contains(t, err.Error(), "constructing the join query of fraud::transactions_1 INNER JOIN bank::customers_1")
		assert.Equal(t, 1, requestsTo(srv, "PUT", "/featurestores/query"), "a PUT is not retried")
	})
}

// TestJoinExpiredCertificate reads with a project certificate that has
// expired: the Query Service refuses the TLS handshake, and the read
// fails saying so.
func TestJoinExpiredCertificate(t *testing.T) {
	srv := startServerWith(t, hopsworkstest.Config{ExpiredCredentials: true})
	c := connect(t, srv, "fraud", "fraud_user")
	s := planBigJoin(t, c)
	_, err := s.Partitions()[0].Open(context.Background(), memory.NewGoAllocator())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the project's client certificate expired at")
	assert.Contains(t, err.Error(), "Hopsworks Query Service")
	assert.Equal(t, codes.Unavailable, status.Code(err), "the gRPC status is kept")
	n, _ := flightCalls(srv, "DoGet")
	assert.Zero(t, n, "no call got through")
}

// TestJoinCancel cancels a join's read mid-stream: the reader stops with
// the context's error, the server sees its stream cancelled, and no
// goroutine is left.
func TestJoinCancel(t *testing.T) {
	srv := startServer(t)
	c := connect(t, srv, "fraud", "fraud_user")
	s := planBigJoin(t, c)
	readJoin(t, s) // connect to the Query Service first
	base := runtime.NumGoroutine()

	for _, early := range []bool{false, true} {
		srv.Faults().ResetRequests()
		srv.Faults().StallStream(1, 1)
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		ctx, cancel := context.WithCancel(context.Background())
		rr, err := s.Partitions()[0].Open(ctx, mem)
		require.NoError(t, err)
		require.True(t, rr.Next(), "the first batch comes")
		if early {
			// Released before its end, as after a LIMIT.
			rr.Release()
		} else {
			cancel()
			assert.False(t, rr.Next(), "no batch after the cancellation")
			assert.ErrorIs(t, rr.Err(), context.Canceled)
			rr.Release()
		}
		mem.AssertSize(t, 0)
		require.Eventually(t, func() bool {
			for _, r := range srv.Faults().FlightRequests() {
				if r.Call == "DoGet" && r.Code == codes.Canceled {
					return true
				}
			}
			return false
		}, 10*time.Second, 5*time.Millisecond, "the server sees the stream cancelled (released early: %t)", early)
		cancel()
	}
	waitGoroutines(t, base)
}
