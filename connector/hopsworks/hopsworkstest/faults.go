package hopsworkstest

import (
	"bytes"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
)

// Faults injects failures into a running server and logs the REST requests
// and Flight calls it received. All methods are safe for concurrent use.
//
// Every fault is counted down per matching request: it applies to the next
// times matching requests and is then spent. A times of zero or less makes
// the fault permanent. When several faults match a request, the one added
// first applies.
type Faults struct {
	mu       sync.Mutex
	http     []*httpFault
	flight   []*flightFault
	cuts     []*streamCut
	requests []Request
	calls    []FlightRequest
}

// Request is one REST request the server received.
type Request struct {
	Method string
	Path   string // the URL path, e.g. /hopsworks-api/api/project/119/credentials
	Query  string // the raw query string, without '?'
	Status int    // the HTTP status the server answered with
	// Body is the request body of the query constructor
	// (PUT .../featurestores/query), the query model, which holds no
	// secret; empty for other requests.
	Body string
}

type httpFault struct {
	method, suffix string
	status         int           // when not zero, answer with this status
	delay          time.Duration // otherwise wait this long, then serve
	budget
}

// FlightRequest is one Flight call the server received.
type FlightRequest struct {
	// Call is "Handshake", "ListActions", "GetFlightInfo", "DoGet" or
	// "DoAction:<type>"; other Flight methods are not logged.
	Call string
	// Subject is the common name of the client certificate,
	// "<project>__<user>"; empty when the call had no verified certificate.
	Subject string
	// Code is the gRPC status the call ended with (codes.OK for success).
	Code codes.Code
}

type flightFault struct {
	call  string
	code  codes.Code    // when not OK, fail with this code
	msg   string        // and this message
	delay time.Duration // otherwise wait this long, then serve
	budget
}

type streamCut struct {
	afterBatches int
	stall        bool // wait for the client to cancel rather than fail
	budget
}

// FailHTTP makes the next times requests whose method is method (any
// method if empty) and whose URL path ends with pathSuffix fail with
// status and a backend error body. The error code is the backend's generic
// one (120000), with a user message saying the fault was injected.
func (f *Faults) FailHTTP(method, pathSuffix string, status, times int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.http = append(f.http, &httpFault{method: method, suffix: pathSuffix, status: status, budget: budget{times}})
}

// DelayHTTP makes the next times requests matching method and pathSuffix
// (see FailHTTP) wait d before they are served. The wait ends early if the
// client gives up.
func (f *Faults) DelayHTTP(method, pathSuffix string, d time.Duration, times int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.http = append(f.http, &httpFault{method: method, suffix: pathSuffix, delay: d, budget: budget{times}})
}

// FailFlight makes the next times Flight calls named call fail with a gRPC
// status of code and message msg. call is "DoGet", "GetFlightInfo",
// "ListActions" or "DoAction:<type>", e.g. "DoAction:healthcheck". The
// Hopsworks Query Service's own errors reach clients as codes.Unknown (a
// Python Flight server's FlightServerError), e.g. its busy queue:
//
//	FailFlight("GetFlightInfo", codes.Unknown, "no free slot available for fraud__fraud_user", 1)
//
// codes.Code OK is not a failure and is ignored.
func (f *Faults) FailFlight(call string, code codes.Code, msg string, times int) {
	if code == codes.OK {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.flight = append(f.flight, &flightFault{call: call, code: code, msg: msg, budget: budget{times}})
}

// DelayFlight makes the next times Flight calls named call (see
// FailFlight) wait d before they are served. The wait ends early if the
// client gives up.
func (f *Faults) DelayFlight(call string, d time.Duration, times int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.flight = append(f.flight, &flightFault{call: call, delay: d, budget: budget{times}})
}

// CutStream makes the next times DoGet streams end with an error
// (codes.Internal, as a stream reset by the server) after afterBatches
// record batches. A stream with no more than afterBatches batches ends
// normally, but still spends a use.
func (f *Faults) CutStream(afterBatches, times int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cuts = append(f.cuts, &streamCut{afterBatches: afterBatches, budget: budget{times}})
}

// StallStream makes the next times DoGet streams stop after afterBatches
// record batches (before the next one, or before the end of a stream with
// no more) and send nothing more until the client cancels the call or the
// server closes, as a slow query would. The call then ends with
// codes.Canceled, which the Flight log shows. Stalls and cuts
// (CutStream) apply in the order they were added.
func (f *Faults) StallStream(afterBatches, times int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cuts = append(f.cuts, &streamCut{afterBatches: afterBatches, stall: true, budget: budget{times}})
}

// Requests returns the REST requests received so far, oldest first. It
// records no header, so never the API key.
func (f *Faults) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Request(nil), f.requests...)
}

// FlightRequests returns the Flight calls received so far, oldest first. It
// records no header or payload, so never a certificate or a signature.
func (f *Faults) FlightRequests() []FlightRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]FlightRequest(nil), f.calls...)
}

// ResetRequests forgets the REST requests and Flight calls received so far.
func (f *Faults) ResetRequests() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests, f.calls = nil, nil
}

// Clear removes every fault that is not spent yet.
func (f *Faults) Clear() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.http, f.flight, f.cuts = nil, nil, nil
}

// takeHTTP returns the fault that applies to r, counting it down, or nil.
func (f *Faults) takeHTTP(r *http.Request) *httpFault {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, h := range f.http {
		if h.method != "" && !strings.EqualFold(h.method, r.Method) || !strings.HasSuffix(r.URL.Path, h.suffix) {
			continue
		}
		fault := *h
		f.http = countDown(f.http, i)
		return &fault
	}
	return nil
}

// takeFlight returns the fault that applies to a Flight call, counting it
// down, or nil.
func (f *Faults) takeFlight(call string) *flightFault {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, fl := range f.flight {
		if fl.call == call {
			fault := *fl
			f.flight = countDown(f.flight, i)
			return &fault
		}
	}
	return nil
}

// takeCut returns the cut or stall that applies to the next DoGet stream,
// counting it down, or nil.
func (f *Faults) takeCut() *streamCut {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.cuts) == 0 {
		return nil
	}
	c := *f.cuts[0]
	f.cuts = countDown(f.cuts, 0)
	return &c
}

// recordFlight appends a Flight call to the log.
func (f *Faults) recordFlight(call, subject string, code codes.Code) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, FlightRequest{Call: call, Subject: subject, Code: code})
}

// record appends a request to the log, with body, the request body kept
// for the log (see Request.Body).
func (f *Faults) record(r *http.Request, status int, body string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Status: status, Body: body})
}

// loggedBody reads the body of r if the request log keeps it (see
// Request.Body), up to limit bytes, and puts it back for the handler.
func loggedBody(r *http.Request, limit int64) string {
	if r.Method != http.MethodPut || !strings.HasSuffix(r.URL.Path, "/featurestores/query") || r.Body == nil {
		return ""
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, limit))
	r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(b))
	if err != nil {
		return ""
	}
	return string(b)
}

// budget counts the uses left of a fault; left <= 0 means unlimited.
type budget struct{ left int }

// use spends one use and reports whether the fault is now spent.
func (b *budget) use() bool {
	if b.left <= 0 {
		return false
	}
	b.left--
	return b.left == 0
}

// countDown spends one use of faults[i] and removes it once it is spent.
func countDown[T interface{ use() bool }](faults []T, i int) []T {
	if faults[i].use() {
		return slices.Delete(faults, i, i+1)
	}
	return faults
}
