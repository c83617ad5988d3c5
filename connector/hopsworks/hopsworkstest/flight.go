package hopsworkstest

import (
	"context"
	"crypto/rand"
	"fmt"
	"sync"
	"time"

	"github.com/apache/arrow/go/v15/arrow/flight"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"

	"github.com/hopsql/hopsql/connector/local"
	"github.com/hopsql/hopsql/planner"
)

// flightService is the Hopsworks Query Service ("flyingduck"): a plain
// Arrow Flight server (not Flight SQL) that takes JSON commands holding a
// DuckDB-dialect query and streams its result (protocol reference §5).
// The test server runs the query with hopsql's own planner and engine over
// the embedded store.
//
// Errors of the service itself (a query that fails, an unregistered
// client) are answered with codes.Unknown: the real service is a Python
// Flight server, whose FlightServerError reaches a client with that code,
// and clients match on the message (§5.5).
type flightService struct {
	flight.BaseFlightServer
	s  *Server
	wh *local.Warehouse

	mu sync.Mutex
	// pending holds the queries GetFlightInfo planned, by ticket.
	pending map[string]*pendingQuery
	// registered holds the subjects ("<project>__<user>") that ran
	// register-client-certificates.
	registered map[string]bool
}

// newFlightServer returns the gRPC server of the Flight service, with
// mutual TLS, not yet serving.
func (s *Server) newFlightServer() (*grpc.Server, error) {
	tlsConfig, err := s.flightTLS()
	if err != nil {
		return nil, err
	}
	wh, err := local.Open(s.cfg.Warehouse)
	if err != nil {
		return nil, err
	}
	svc := &flightService{
		s:          s,
		wh:         wh,
		pending:    make(map[string]*pendingQuery),
		registered: make(map[string]bool),
	}
	g := grpc.NewServer(grpc.Creds(credentials.NewTLS(tlsConfig)))
	flight.RegisterFlightServiceServer(g, svc)
	return g, nil
}

// serve runs one Flight call named call (as Faults names calls): it
// applies injected faults, identifies the caller from its certificate,
// runs handle and logs the call with the status it ended with.
func (f *flightService) serve(ctx context.Context, call string, handle func(*caller) error) error {
	err := f.serveCall(ctx, call, handle)
	f.s.faults.recordFlight(call, subjectOf(ctx), status.Code(err))
	return err
}

func (f *flightService) serveCall(ctx context.Context, call string, handle func(*caller) error) error {
	if fault := f.s.faults.takeFlight(call); fault != nil {
		if fault.code != codes.OK {
			return status.Error(fault.code, fault.msg)
		}
		t := time.NewTimer(fault.delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return status.FromContextError(ctx.Err()).Err()
		}
	}
	c, err := f.s.callerOf(ctx)
	if err != nil {
		return err
	}
	return handle(c)
}

// ticketLifetime is how long a ticket GetFlightInfo hands out can be
// redeemed with DoGet: the Python client's DoGet timeout.
const ticketLifetime = 15 * time.Minute

// pendingQuery is a query GetFlightInfo planned, waiting for DoGet.
type pendingQuery struct {
	// subject is the caller that planned it; only it may redeem the
	// ticket.
	subject string
	// command is the descriptor's command, the bytes hopsworks-signature
	// signs; nil for a path descriptor.
	command []byte
	// sql is the query in hopsql SQL; empty for a file read.
	sql string
	// file is the Parquet file a path descriptor names, when it names one
	// file rather than a feature group's directory.
	file    string
	expires time.Time

	// plan is the plan of sql GetFlightInfo made, which the first DoGet
	// of the ticket runs instead of planning sql again; later ones (a
	// client may redeem a ticket again after a failure) plan anew, so
	// that no two runs share one plan. Guarded by flightService.mu.
	plan *planner.Plan
}

// takePlan returns the plan GetFlightInfo made for q, if no DoGet took it
// yet.
func (f *flightService) takePlan(q *pendingQuery) *planner.Plan {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := q.plan
	q.plan = nil
	return p
}

// addPending stores q under a new ticket and returns the ticket. Expired
// queries are dropped on the way.
func (f *flightService) addPending(q *pendingQuery) []byte {
	now := time.Now()
	q.expires = now.Add(ticketLifetime)
	ticket := "hopsworkstest-query-" + rand.Text()
	f.mu.Lock()
	defer f.mu.Unlock()
	for t, p := range f.pending {
		if now.After(p.expires) {
			delete(f.pending, t)
		}
	}
	f.pending[ticket] = q
	return []byte(ticket)
}

// redeem returns the query a ticket stands for, which c must have
// planned.
func (f *flightService) redeem(c *caller, ticket []byte) (*pendingQuery, error) {
	f.mu.Lock()
	q := f.pending[string(ticket)]
	f.mu.Unlock()
	if q == nil || time.Now().After(q.expires) {
		return nil, status.Errorf(codes.NotFound, "unknown or expired ticket (tickets are valid for %s after GetFlightInfo)", ticketLifetime)
	}
	if q.subject != c.subject {
		return nil, status.Errorf(codes.PermissionDenied, "the ticket was issued to another client than %s", c.subject)
	}
	return q, nil
}

// register records that c ran register-client-certificates.
func (f *flightService) register(c *caller) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.registered[c.subject] = true
}

// isRegistered reports whether c ran register-client-certificates.
func (f *flightService) isRegistered(c *caller) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.registered[c.subject]
}

// unknownError is an error of the service itself, as a Python Flight
// server's FlightServerError reaches the client.
func unknownError(format string, args ...any) error {
	return status.Error(codes.Unknown, fmt.Sprintf(format, args...))
}
