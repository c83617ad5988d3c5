package hopsworks

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow/flight"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"
)

// Actions of the Query Service.
const (
	actionHealthcheck   = "healthcheck"
	actionGetVersion    = "get-version"
	actionRegisterCerts = "register-client-certificates"
)

// Substrings of the Query Service's error messages the client interprets
// (protocol reference §5.5).
const (
	msgBusy            = "no free slot available for"
	msgRegisterFirst   = "Please register client certificates first."
	msgNoCommits       = "No commits found"
	msgNoHudiProps     = "No hudi properties found"
	msgNoDeltaLogs     = "No delta logs found"
	msgNoData          = "No data found"
	msgDetailsSplitter = "Details:"
)

// ErrQueryServiceBusy is reported, through errors.Is, by reads the
// Hopsworks Query Service turned away because its queue was full, after
// the client's retries.
var ErrQueryServiceBusy = errors.New("the Hopsworks Query Service is busy right now; try again later")

// hqsConn is a connection to the Query Service.
type hqsConn struct {
	cc     *grpc.ClientConn
	fc     flight.Client
	addr   string
	certs  *secret // the certificates JSON, for x-certificates-json and registration
	server string  // the server's version; "" if it has none (and takes registrations)
}

func (c *hqsConn) close() error { return c.cc.Close() }

// Format prints the address only, whatever the verb.
func (c *hqsConn) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "Hopsworks Query Service connection to %s", c.addr)
}

// hqsConnection returns the client's connection to the Query Service,
// connecting the first time.
func (c *Client) hqsConnection(ctx context.Context) (*hqsConn, error) {
	s := c.hqs
	s.mu.Lock()
	conn, closed := s.conn, s.closed
	s.mu.Unlock()
	switch {
	case closed:
		return nil, ErrClosed
	case conn != nil:
		return conn, nil
	}
	ep, err := c.hqsEndpoint(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.lock(ctx); err != nil {
		return nil, err
	}
	defer s.unlock()
	s.mu.Lock()
	conn, closed = s.conn, s.closed
	s.mu.Unlock()
	switch {
	case closed:
		return nil, ErrClosed
	case conn != nil:
		return conn, nil
	}
	conn, err = c.dialHQS(ctx, ep)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		conn.close()
		return nil, ErrClosed
	}
	s.conn = conn
	return conn, nil
}

// dialHQS connects to the Query Service with mutual TLS and prepares the
// connection as the Hopsworks client does: a health check, then the
// server's version, or, from a server without one, the registration of
// the project user's certificates.
func (c *Client) dialHQS(ctx context.Context, ep *hqsEndpoint) (*hqsConn, error) {
	tlsConfig, err := c.certs.flightTLS(ep.serverName)
	if err != nil {
		return nil, err
	}
	cc, err := grpc.NewClient(ep.addr,
		grpc.WithTransportCredentials(credentials.NewTLS(tlsConfig)),
		// Batches of 65,536 rows are larger than gRPC's default 4 MiB.
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(math.MaxInt32)),
	)
	if err != nil {
		return nil, fmt.Errorf("hopsworks: connecting to the Hopsworks Query Service at %s: %w", ep.addr, err)
	}
	certs := c.certs.certificatesJSON()
	conn := &hqsConn{cc: cc, fc: flight.NewClientFromConn(cc, nil), addr: ep.addr, certs: &certs}
	if err := c.prepareHQS(ctx, conn); err != nil {
		cc.Close()
		return nil, err
	}
	return conn, nil
}

// prepareHQS runs the health check and the version check or registration
// on a new connection.
func (c *Client) prepareHQS(ctx context.Context, conn *hqsConn) error {
	fail := func(step string, err error) error {
		return fmt.Errorf("hopsworks: %s of the Hopsworks Query Service at %s: %w", step, conn.addr, c.flightError(ctx, conn.addr, err))
	}
	healthy := func(err error) bool {
		code := status.Code(err)
		return (code == codes.Unavailable || code == codes.DeadlineExceeded) && !handshakeFailed(err)
	}
	if err := c.retryFlight(ctx, "health check", healthy, func(ctx context.Context) error {
		return c.doAction(ctx, conn, actionHealthcheck, nil, nil)
	}); err != nil {
		return fail("health check", err)
	}
	var actions []string
	if err := c.retryFlight(ctx, "listing actions", unavailable, func(ctx context.Context) error {
		var err error
		actions, err = c.listActions(ctx, conn)
		return err
	}); err != nil {
		return fail("listing the actions", err)
	}
	for _, a := range actions {
		if a != actionGetVersion {
			continue
		}
		var version []byte
		if err := c.retryFlight(ctx, "getting the version", unavailable, func(ctx context.Context) error {
			return c.doAction(ctx, conn, actionGetVersion, nil, &version)
		}); err != nil {
			return fail("getting the version", err)
		}
		conn.server = strings.TrimSpace(string(version))
		if conn.server == "" {
			conn.server = "unknown"
		}
		c.logf("hopsworks: the Hopsworks Query Service at %s has version %s", conn.addr, conn.server)
		return nil
	}
	if err := c.registerCertificates(ctx, conn); err != nil {
		return fail("registering the client certificates", err)
	}
	return nil
}

// registerCertificates registers the project user's certificates with a
// Query Service without a version.
func (c *Client) registerCertificates(ctx context.Context, conn *hqsConn) error {
	retry := func(err error) bool {
		code := status.Code(err)
		return code == codes.Unavailable || code == codes.DeadlineExceeded || busy(err)
	}
	err := c.retryFlight(ctx, "registering certificates", retry, func(ctx context.Context) error {
		return c.doAction(ctx, conn, actionRegisterCerts, []byte(*conn.certs), nil)
	})
	if err == nil {
		c.logf("hopsworks: registered the client certificates with the Hopsworks Query Service at %s", conn.addr)
	}
	return err
}

// doAction runs the action typ with body under the request timeout and
// reads its results, keeping the first one's body in first if not nil.
func (c *Client) doAction(ctx context.Context, conn *hqsConn, typ string, body []byte, first *[]byte) error {
	ctx, cancel := context.WithTimeout(ctx, c.opts.RequestTimeout)
	defer cancel()
	stream, err := conn.fc.DoAction(ctx, &flight.Action{Type: typ, Body: body})
	if err != nil {
		return err
	}
	for n := 0; ; n++ {
		r, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			if first != nil && n == 0 {
				return fmt.Errorf("action %s returned no result", typ)
			}
			return nil
		}
		if err != nil {
			return err
		}
		if first != nil && n == 0 {
			*first = r.Body
		}
	}
}

// listActions returns the names of the Query Service's actions.
func (c *Client) listActions(ctx context.Context, conn *hqsConn) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.RequestTimeout)
	defer cancel()
	stream, err := conn.fc.ListActions(ctx, &flight.Empty{})
	if err != nil {
		return nil, err
	}
	var names []string
	for {
		a, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return names, nil
		}
		if err != nil {
			return nil, err
		}
		names = append(names, a.Type)
	}
}

// retryFlight runs call until it succeeds, fails in a way retry does not
// accept, the caller's context ends, or c.flightRetry's attempts are
// spent, waiting with backoff in between.
func (c *Client) retryFlight(ctx context.Context, what string, retry func(error) bool, call func(context.Context) error) error {
	for attempt := 1; ; attempt++ {
		err := call(ctx)
		if err == nil || ctx.Err() != nil || !retry(err) || attempt >= c.flightRetry.attempts {
			return err
		}
		wait := c.flightRetry.delay(attempt)
		c.logf("hopsworks: %s: attempt %d of %d failed: %v; retrying in %v", what, attempt, c.flightRetry.attempts, err, wait.Round(time.Millisecond))
		if err := sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// unavailable reports whether err is gRPC's UNAVAILABLE, the one failure
// the Hopsworks client retries reads on.
func unavailable(err error) bool { return status.Code(err) == codes.Unavailable }

// handshakeFailed reports whether err is a TLS handshake failure, which
// retries do not mend.
func handshakeFailed(err error) bool {
	return strings.Contains(statusMessage(err), "authentication handshake failed")
}

// busy reports whether err is the Query Service's full queue.
func busy(err error) bool { return strings.Contains(statusMessage(err), msgBusy) }

// needsRegistration reports whether the Query Service asks for the
// client's certificates to be registered (again).
func needsRegistration(err error) bool { return strings.Contains(statusMessage(err), msgRegisterFirst) }

// statusMessage returns the message of a gRPC error, or the error's text.
func statusMessage(err error) string {
	if s, ok := status.FromError(err); ok {
		return s.Message()
	}
	return err.Error()
}

// flightError turns a failed Flight call to the Query Service at addr into
// an error that says what happened, wrapping err (whose gRPC status
// status.FromError still finds). The caller's context ending is reported
// as such, and so is the client closing.
func (c *Client) flightError(ctx context.Context, addr string, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if c.life.Err() != nil {
		return ErrClosed
	}
	msg := statusMessage(err)
	switch {
	case busy(err):
		return fmt.Errorf("%w (%s): %w", ErrQueryServiceBusy, addr, err)
	case strings.Contains(msg, msgNoCommits):
		detail, _, _ := strings.Cut(msg, msgDetailsSplitter)
		return fmt.Errorf("the feature group has no data yet (%s): %w", strings.TrimSpace(detail), err)
	case strings.Contains(msg, msgNoHudiProps), strings.Contains(msg, msgNoDeltaLogs):
		return fmt.Errorf("the Hopsworks Query Service found no table for the feature group: %w", err)
	case strings.Contains(msg, msgNoData):
		return fmt.Errorf("the Hopsworks Query Service found no data for the feature group: %w", err)
	}
	switch status.Code(err) {
	case codes.Unavailable:
		if handshakeFailed(err) {
			return fmt.Errorf("the TLS handshake with the Hopsworks Query Service at %s failed (its certificate must be issued by the cluster's CA for the discovery domain's flyingduck.service name): %w", addr, err)
		}
		return fmt.Errorf("the Hopsworks Query Service at %s is unavailable: %w", addr, err)
	case codes.DeadlineExceeded:
		return fmt.Errorf("the Hopsworks Query Service at %s did not answer in time: %w", addr, err)
	case codes.Unauthenticated, codes.PermissionDenied:
		return fmt.Errorf("the Hopsworks Query Service at %s refused the project's certificates: %w", addr, err)
	}
	return fmt.Errorf("could not read data using the Hopsworks Query Service at %s: %w", addr, err)
}
