package hopsworks

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/flight"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"google.golang.org/grpc/metadata"
)

// Headers of DoGet.
const (
	// headerSignature carries hqsPayloadSignature with a backend-built
	// payload.
	headerSignature = "hopsworks-signature"
	// headerCertificates carries the certificates JSON to a Query
	// Service that has a version.
	headerCertificates = "x-certificates-json"
)

// flightCommand is a read for the Query Service: the command of a CMD
// descriptor and, for a backend-built payload, its signature.
type flightCommand struct {
	name      string // the feature group's qualified name, for errors
	cmd       []byte
	signature string
}

// headers returns the DoGet headers of the command on conn: the signature
// of a signed payload, else the certificates for a server with a version;
// a server without one has them registered.
func (f *flightCommand) headers(conn *hqsConn) []string {
	switch {
	case f.signature != "":
		return []string{headerSignature, f.signature}
	case conn.server != "":
		return []string{headerCertificates, string(*conn.certs)}
	}
	return nil
}

// columnsFunc maps the wire schema of a stream to the columns a reader
// yields.
type columnsFunc func(wire *arrow.Schema) (*columnPlan, error)

// readHQS starts the read of cmd: GetFlightInfo, then DoGet of its first
// endpoint's ticket, up to the stream's schema. Failures before the first
// batch that the Query Service may not repeat (UNAVAILABLE, its full
// queue) are retried with backoff, and a request to register the
// certificates is honoured once. cols says which wire columns the reader
// yields, converted to which Arrow types; limit, if positive, ends the
// read after that many rows. What the stream brings is counted in stats.
func (c *Client) readHQS(ctx context.Context, mem memory.Allocator, cmd *flightCommand, cols columnsFunc, limit int64, stats *flightStats) (array.RecordReader, error) {
	start := time.Now()
	registered := false
	fail := func(addr string, err error) error {
		var timeout *flightTimeoutError
		if !errors.As(err, &timeout) {
			err = c.flightError(ctx, addr, err)
		}
		if errors.Is(err, ctx.Err()) {
			return err
		}
		return fmt.Errorf("hopsworks: reading %s: %w", cmd.name, err)
	}
	for attempt := 1; ; attempt++ {
		conn, err := c.hqsConnection(ctx)
		if err != nil {
			return nil, c.certificateError(err)
		}
		r, err := c.startStream(ctx, mem, conn, cmd, stats)
		if err == nil {
			r.start = start
			if err := r.plan(cols, limit); err != nil {
				return nil, err
			}
			return r, nil
		}
		if ctx.Err() != nil || c.life.Err() != nil {
			return nil, fail(conn.addr, err)
		}
		if needsRegistration(err) && !registered {
			registered = true
			attempt--
			if err := c.registerCertificates(ctx, conn); err != nil {
				return nil, fail(conn.addr, err)
			}
			continue
		}
		if !(unavailable(err) || busy(err)) || attempt >= c.flightRetry.attempts {
			return nil, fail(conn.addr, err)
		}
		wait := c.flightRetry.delay(attempt)
		c.logf("hopsworks: reading from the Hopsworks Query Service: attempt %d of %d failed: %v; retrying in %v", attempt, c.flightRetry.attempts, err, wait.Round(time.Millisecond))
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// certificateError returns err, a failure to connect to the Query
// Service, saying that the project's client certificate has expired if it
// has: the Query Service then ends the TLS handshake, which the client may
// see as anything from "expired certificate" to a broken pipe.
func (c *Client) certificateError(err error) error {
	block, _ := pem.Decode(c.certs.clientCert)
	if block == nil {
		return err
	}
	cert, perr := x509.ParseCertificate(block.Bytes)
	if perr != nil || time.Now().Before(cert.NotAfter) {
		return err
	}
	return fmt.Errorf("hopsworks: the project's client certificate expired at %s; connect again for new ones: %w",
		cert.NotAfter.UTC().Format(time.RFC3339), err)
}

// startStream makes one attempt at starting the read of cmd on conn,
// counting the bytes received in stats.
func (c *Client) startStream(ctx context.Context, mem memory.Allocator, conn *hqsConn, cmd *flightCommand, stats *flightStats) (*hqsReader, error) {
	ictx, icancel := context.WithTimeout(ctx, c.opts.RequestTimeout)
	info, err := conn.fc.GetFlightInfo(ictx, &flight.FlightDescriptor{Type: flight.DescriptorCMD, Cmd: cmd.cmd})
	icancel()
	if err != nil {
		return nil, err
	}
	if len(info.GetEndpoint()) == 0 || info.GetEndpoint()[0].GetTicket() == nil {
		return nil, errors.New("the Hopsworks Query Service answered GetFlightInfo without an endpoint to read")
	}
	sctx, stop := context.WithCancel(ctx)
	if h := cmd.headers(conn); h != nil {
		sctx = metadata.AppendToOutgoingContext(sctx, h...)
	}
	r := &hqsReader{
		c:     c,
		ctx:   ctx,
		mem:   mem,
		name:  cmd.name,
		addr:  conn.addr,
		stop:  stop,
		wait:  newWatchdog(c.opts.FlightTimeout, stop),
		stats: stats,
	}
	stream, err := conn.fc.DoGet(sctx, info.GetEndpoint()[0].GetTicket())
	if err == nil {
		r.wait.arm()
		r.src, err = flight.NewRecordReader(&countingStream{DataStreamReader: stream, stats: stats}, ipc.WithAllocator(mem))
		r.wait.disarm()
	}
	if err != nil {
		stop()
		if r.wait.fired() {
			return nil, r.timeoutError()
		}
		return nil, err
	}
	r.refs.Store(1)
	return r, nil
}

// flightStats counts what the reads of one scan received from the Query
// Service. It is safe for concurrent use; a nil *flightStats counts
// nothing.
type flightStats struct {
	rows  atomic.Int64 // rows of the record batches received
	bytes atomic.Int64 // bytes of the Flight messages received
	// first is the time from the start of the first read that received
	// a row to its first batch, in nanoseconds; 0 until then.
	first atomic.Int64
}

// received counts a batch of n rows of a read that began at start; seen
// says whether the read had a batch before.
func (s *flightStats) received(n int64, start time.Time, seen *bool) {
	if s == nil {
		return
	}
	s.rows.Add(n)
	if !*seen {
		*seen = true
		s.first.CompareAndSwap(0, max(int64(time.Since(start)), 1))
	}
}

// snapshot returns the counts: rows and bytes received and the time to the
// first batch.
func (s *flightStats) snapshot() (rows, bytes int64, firstBatch time.Duration) {
	return s.rows.Load(), s.bytes.Load(), time.Duration(s.first.Load())
}

// countingStream counts the bytes of the Flight messages of a stream: the
// IPC metadata, the body and any application metadata.
type countingStream struct {
	flight.DataStreamReader
	stats *flightStats
}

func (s *countingStream) Recv() (*flight.FlightData, error) {
	d, err := s.DataStreamReader.Recv()
	if d != nil && s.stats != nil {
		s.stats.bytes.Add(int64(len(d.DataHeader) + len(d.DataBody) + len(d.AppMetadata)))
	}
	return d, err
}

// watchdog cancels a stream that waits longer than its timeout for a
// message.
type watchdog struct {
	timeout time.Duration
	timer   *time.Timer
	done    atomic.Bool
}

func newWatchdog(timeout time.Duration, cancel context.CancelFunc) *watchdog {
	w := &watchdog{timeout: timeout}
	w.timer = time.AfterFunc(time.Hour, func() {
		w.done.Store(true)
		cancel()
	})
	w.timer.Stop()
	return w
}

// arm starts the wait.
func (w *watchdog) arm() { w.timer.Reset(w.timeout) }

// disarm ends the wait.
func (w *watchdog) disarm() { w.timer.Stop() }

// fired reports whether a wait timed out.
func (w *watchdog) fired() bool { return w.done.Load() }

// hqsReader yields the batches of a Query Service stream, converted to the
// scan's schema. It implements array.RecordReader.
type hqsReader struct {
	refs atomic.Int64
	c    *Client
	ctx  context.Context
	mem  memory.Allocator
	name string // the feature group's qualified name
	addr string
	stop context.CancelFunc // ends the stream
	wait *watchdog
	src  *flight.Reader
	cols *columnPlan
	left int64 // rows still wanted; negative: no limit
	rows int64 // rows yielded so far

	stats *flightStats
	start time.Time // when the read began, for stats
	seen  bool      // whether a batch with rows came

	cur  arrow.Record
	err  error
	done bool
	once sync.Once // releases the stream
}

// plan finishes the reader for a stream whose schema is known, or
// releases it.
func (r *hqsReader) plan(columns columnsFunc, limit int64) error {
	cols, err := columns(r.src.Schema())
	if err != nil {
		r.Release()
		return fmt.Errorf("hopsworks: %w", err)
	}
	r.cols, r.left = cols, -1
	if limit > 0 {
		r.left = limit
	}
	return nil
}

func (r *hqsReader) Schema() *arrow.Schema { return r.cols.schema }
func (r *hqsReader) Record() arrow.Record  { return r.cur }
func (r *hqsReader) Err() error            { return r.err }
func (r *hqsReader) Retain()               { r.refs.Add(1) }

// Release releases the reader when its last reference goes, ending the
// stream if it is still open.
func (r *hqsReader) Release() {
	if r.refs.Add(-1) != 0 {
		return
	}
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	r.end()
}

// end ends the stream and releases what it holds.
func (r *hqsReader) end() {
	r.once.Do(func() {
		r.stop()
		r.wait.disarm()
		r.src.Release()
	})
}

// Next reads the next batch. A stream that ends with an error or is cut,
// a cancelled context and a closed client leave Err set.
func (r *hqsReader) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	for !r.done {
		// Batches the transport holds already do not outlive the
		// caller's context or the client.
		switch {
		case r.ctx.Err() != nil:
			r.finish(r.ctx.Err())
			return false
		case r.c.life.Err() != nil:
			r.finish(ErrClosed)
			return false
		}
		r.wait.arm()
		ok := r.src.Next()
		r.wait.disarm()
		if !ok {
			r.finish(r.streamError(r.src.Err()))
			return false
		}
		rec := r.src.Record()
		if rec.NumRows() == 0 {
			continue
		}
		r.stats.received(rec.NumRows(), r.start, &r.seen)
		out, err := r.cols.convert(r.ctx, r.mem, rec)
		if err != nil {
			r.finish(fmt.Errorf("hopsworks: reading %s: %w", r.name, err))
			return false
		}
		if r.left >= 0 {
			if n := out.NumRows(); n >= r.left {
				if n > r.left {
					cut := out.NewSlice(0, r.left)
					out.Release()
					out = cut
				}
				r.left = 0
				r.done = true
				r.end()
			} else {
				r.left -= n
			}
		}
		r.rows += out.NumRows()
		r.cur = out
		return true
	}
	return false
}

// finish ends the read with err (nil at the stream's end).
func (r *hqsReader) finish(err error) {
	r.err, r.done = err, true
	r.end()
}

// streamError returns the error the reader reports for err, the stream's
// error (nil if it ended normally).
func (r *hqsReader) streamError(err error) error {
	switch {
	case err == nil:
		return nil
	case r.wait.fired():
		return fmt.Errorf("hopsworks: reading %s: %w", r.name, r.timeoutError())
	case r.ctx.Err() != nil:
		return r.ctx.Err()
	}
	return fmt.Errorf("hopsworks: reading %s: the stream broke off after %d rows: %w", r.name, r.rows, r.c.flightError(r.ctx, r.addr, err))
}

// timeoutError reports a stream that waited too long for a batch.
func (r *hqsReader) timeoutError() error {
	return &flightTimeoutError{addr: r.addr, timeout: r.wait.timeout}
}

// flightTimeoutError reports a stream that waited longer than the Flight
// timeout for a message.
type flightTimeoutError struct {
	addr    string
	timeout time.Duration
}

func (e *flightTimeoutError) Error() string {
	return fmt.Sprintf("the Hopsworks Query Service at %s sent nothing for %v (the Flight timeout): %v", e.addr, e.timeout, context.DeadlineExceeded)
}

// Unwrap returns context.DeadlineExceeded.
func (e *flightTimeoutError) Unwrap() error { return context.DeadlineExceeded }
