package hopsworks

import (
	"context"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector"
)

// logRecorder collects log lines and checks that none holds the key.
type logRecorder struct {
	mu    sync.Mutex
	lines []string
}

func (l *logRecorder) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *logRecorder) assertNoKey(t *testing.T, key string) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, line := range l.lines {
		assert.NotContains(t, line, key)
	}
}

// serverCAFile writes the certificate of an httptest TLS server to a PEM
// file, a trust store for it.
func serverCAFile(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ca.pem")
	pemData := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	require.NoError(t, os.WriteFile(path, pemData, 0o600))
	return path
}

// restClient returns an unbound client for the httptest TLS server srv that
// trusts it and retries quickly.
func restClient(t *testing.T, srv *httptest.Server, edit func(*Options)) (*Client, *logRecorder) {
	t.Helper()
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	logs := &logRecorder{}
	o := Options{
		Host: u.Hostname(), Project: "p", APIKeyValue: testKey,
		HostnameVerification: true, TrustStorePath: serverCAFile(t, srv),
		RequestTimeout: 10 * time.Second, Logf: logs.logf,
	}
	fmt.Sscan(u.Port(), &o.Port)
	if edit != nil {
		edit(&o)
	}
	o, err = o.validate()
	require.NoError(t, err)
	c, err := newClient(o, secret(testKey))
	require.NoError(t, err)
	c.retry = retryPolicy{attempts: 4, base: time.Millisecond, max: 4 * time.Millisecond}
	t.Cleanup(func() {
		c.shutdown()
		c.http.CloseIdleConnections()
		logs.assertNoKey(t, testKey)
	})
	return c, logs
}

func TestEscapePath(t *testing.T) {
	tests := []struct {
		segments []string
		want     string
	}{
		{[]string{"project", "getProjectInfo", "fraud"}, "/project/getProjectInfo/fraud"},
		{[]string{"project", "a/b"}, "/project/a%2Fb"},
		{[]string{"project", "a b?c#d"}, "/project/a%20b%3Fc%23d"},
		{[]string{"project", "ünï"}, "/project/%C3%BCn%C3%AF"},
		{[]string{"project", "..", "."}, "/project/%2E%2E/%2E"},
		{[]string{"project", "a..b"}, "/project/a..b"},
		{[]string{"project", "%41"}, "/project/%2541"},
		{nil, ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, escapePath(tt.segments), "%q", tt.segments)
	}
}

// TestRequestOnTheWire checks what the server receives: the escaped path,
// the query, the API key header and the content type.
func TestRequestOnTheWire(t *testing.T) {
	type seen struct {
		method, rawPath, path, query, auth, contentType string
	}
	got := make(chan seen, 2)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- seen{r.Method, r.URL.EscapedPath(), r.URL.Path, r.URL.RawQuery, r.Header.Get("Authorization"), r.Header.Get("Content-Type")}
		fmt.Fprint(w, `{"projectId": 5}`)
	}))
	defer srv.Close()
	c, _ := restClient(t, srv, nil)

	var p projectDTO
	q := url.Values{"expand": {"features", "expectationsuite"}, "include_shared": {"true"}}
	require.NoError(t, c.get(context.Background(), &p, q, "project", "getProjectInfo", "my project/x"))
	assert.EqualValues(t, 5, p.ProjectID)
	s := <-got
	assert.Equal(t, "GET", s.method)
	assert.Equal(t, "/hopsworks-api/api/project/getProjectInfo/my%20project%2Fx", s.rawPath)
	assert.Equal(t, "/hopsworks-api/api/project/getProjectInfo/my project/x", s.path)
	assert.Equal(t, "expand=features&expand=expectationsuite&include_shared=true", s.query, "list values repeat the key")
	assert.Equal(t, "ApiKey "+testKey, s.auth)
	assert.Empty(t, s.contentType, "no body, no content type")

	require.NoError(t, c.do(context.Background(), request{method: http.MethodPut, path: []string{"q"}, body: map[string]int{"a": 1}}, nil))
	s = <-got
	assert.Equal(t, "PUT", s.method)
	assert.Equal(t, "application/json", s.contentType)
}

func TestResponses(t *testing.T) {
	status, body := 0, ""
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}))
	defer srv.Close()
	c, _ := restClient(t, srv, nil)
	ctx := context.Background()

	status, body = http.StatusNoContent, ""
	p := projectDTO{ProjectID: 9}
	require.NoError(t, c.get(ctx, &p, nil, "x"))
	assert.EqualValues(t, 9, p.ProjectID, "an empty answer leaves out alone")

	status, body = http.StatusOK, "{not json"
	err := c.get(ctx, &p, nil, "x")
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "GET /hopsworks-api/api/x: decoding the answer"), err.Error())

	status, body = http.StatusNotFound, `{"errorCode":270009,"errorMsg":"Featuregroup wasn't found.","usrMsg":"fg"}`
	err = c.get(ctx, &p, nil, "x")
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, APIError{Status: 404, Code: 270009, Msg: "Featuregroup wasn't found.", UserMsg: "fg", Method: "GET", Path: "/hopsworks-api/api/x"}, *apiErr)
	assert.ErrorIs(t, err, connector.ErrNotFound)
}

// TestKeyNeverInErrors has a server echo the Authorization header in its
// error messages and checks the key is redacted.
func TestKeyNeverInErrors(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"errorCode":320012,"errorMsg":"Invalid key %s","usrMsg":"header was %s"}`, auth, auth)
	}))
	defer srv.Close()
	c, _ := restClient(t, srv, nil)
	err := c.get(context.Background(), nil, nil, "project")
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrUnauthorized)
	assert.NotContains(t, err.Error(), testKey)
	assert.Contains(t, err.Error(), redacted)
	assert.NotContains(t, fmt.Sprintf("%+v %#v", err, err), testKey)
	assert.NotContains(t, fmt.Sprintf("%+v %#v %v", c, c, []*Client{c}), testKey, "the client never prints the key")
}

// countingServer answers each request with the next status of statuses
// (the last one repeating) and counts the requests.
func countingServer(t *testing.T, statuses ...int) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		st := statuses[min(i, len(statuses)-1)]
		w.WriteHeader(st)
		if st >= 400 {
			fmt.Fprintf(w, `{"errorCode":120000,"errorMsg":"status %d"}`, st)
		} else {
			fmt.Fprint(w, `{}`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestRetryPolicy(t *testing.T) {
	tests := []struct {
		name     string
		method   string
		statuses []int
		requests int32
		status   int // 0: success
	}{
		{"GET recovers after two 503", "GET", []int{503, 503, 200}, 3, 0},
		{"GET recovers after a 500", "GET", []int{500, 200}, 2, 0},
		{"GET gives up after the attempts", "GET", []int{503}, 4, 503},
		{"GET 502 then 504", "GET", []int{502, 504, 200}, 3, 0},
		{"GET 404 is final", "GET", []int{404, 200}, 1, 404},
		{"GET 401 is final", "GET", []int{401, 200}, 1, 401},
		{"GET 429 is final", "GET", []int{429, 200}, 1, 429},
		{"PUT is never retried", "PUT", []int{503, 200}, 1, 503},
		{"POST is never retried", "POST", []int{503, 200}, 1, 503},
		{"DELETE is never retried", "DELETE", []int{500, 200}, 1, 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, n := countingServer(t, tt.statuses...)
			c, _ := restClient(t, srv, nil)
			var body any
			if tt.method != "GET" && tt.method != "DELETE" {
				body = map[string]string{"a": "b"}
			}
			err := c.do(context.Background(), request{method: tt.method, path: []string{"x"}, body: body}, nil)
			assert.Equal(t, tt.requests, n.Load())
			if tt.status == 0 {
				require.NoError(t, err)
				return
			}
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.status, apiErr.Status)
		})
	}
}

func TestRetryDelay(t *testing.T) {
	p := retryPolicy{attempts: 10, base: 100 * time.Millisecond, max: time.Second}
	for n, full := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 4: 800 * time.Millisecond, 5: time.Second, 9: time.Second} {
		for range 50 {
			d := p.delay(n)
			assert.GreaterOrEqual(t, d, full/2, "retry %d", n)
			assert.LessOrEqual(t, d, full, "retry %d", n)
		}
	}
	seen := make(map[time.Duration]bool)
	for range 50 {
		seen[p.delay(3)] = true
	}
	assert.Greater(t, len(seen), 1, "delays are jittered")
	def := defaultRetry()
	assert.Equal(t, 4, def.attempts, "bounded attempts")
}

// TestRetryConnectionErrors has the server drop connections without
// answering.
func TestRetryConnectionErrors(t *testing.T) {
	for _, tt := range []struct {
		method   string
		requests int32
	}{{"GET", 4}, {"PUT", 1}} {
		var n atomic.Int32
		srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.Close()
			}
		}))
		c, _ := restClient(t, srv, nil)
		err := c.do(context.Background(), request{method: tt.method, path: []string{"x"}}, nil)
		require.Error(t, err, tt.method)
		var apiErr *APIError
		assert.False(t, errors.As(err, &apiErr), "no answer, no APIError")
		assert.Equal(t, tt.requests, n.Load(), tt.method)
		srv.Close()
	}
}

func TestRequestTimeoutRetried(t *testing.T) {
	var n atomic.Int32
	release := make(chan struct{})
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		// Take the connection and never answer on it.
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		<-release
	}))
	defer srv.Close()
	defer close(release)
	c, logs := restClient(t, srv, func(o *Options) { o.RequestTimeout = 50 * time.Millisecond })
	err := c.get(context.Background(), nil, nil, "slow")
	require.Error(t, err)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "no answer within 50ms")
	// Count attempts on the client's side: a request that times out may
	// not have reached the handler yet.
	logs.mu.Lock()
	retries := 0
	for _, l := range logs.lines {
		if strings.Contains(l, "no answer within 50ms") && strings.Contains(l, "retrying in") {
			retries++
		}
	}
	logs.mu.Unlock()
	assert.Equal(t, 3, retries, "a timed-out GET is retried up to the attempts")
	assert.GreaterOrEqual(t, n.Load(), int32(1))
}

func TestContextEndsBackoff(t *testing.T) {
	first := make(chan struct{})
	var once sync.Once
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
		once.Do(func() { close(first) })
	}))
	defer srv.Close()
	waiting := make(chan struct{})
	var logged sync.Once
	c, _ := restClient(t, srv, func(o *Options) {
		o.Logf = func(format string, args ...any) {
			if strings.Contains(fmt.Sprintf(format, args...), "retrying in") {
				logged.Do(func() { close(waiting) })
			}
		}
	})
	c.retry = retryPolicy{attempts: 4, base: time.Hour, max: time.Hour}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.get(ctx, nil, nil, "x") }()
	<-first
	<-waiting // the client logs just before it waits to retry
	cancel()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, context.Canceled)
		var apiErr *APIError
		require.ErrorAs(t, err, &apiErr, "the last failure is kept")
		assert.Equal(t, 503, apiErr.Status)
	case <-time.After(10 * time.Second):
		t.Fatal("the call kept waiting after its context was cancelled")
	}
}

func TestClosedClient(t *testing.T) {
	srv, n := countingServer(t, 200)
	c, _ := restClient(t, srv, nil)
	c.shutdown()
	err := c.get(context.Background(), nil, nil, "x")
	assert.ErrorIs(t, err, ErrClosed)
	assert.Zero(t, n.Load())
}

func TestCallsAreLogged(t *testing.T) {
	srv, _ := countingServer(t, 503, 200)
	c, logs := restClient(t, srv, nil)
	require.NoError(t, c.get(context.Background(), nil, nil, "project"))
	logs.mu.Lock()
	defer logs.mu.Unlock()
	require.Len(t, logs.lines, 2)
	assert.Contains(t, logs.lines[0], "attempt 1 of 4 failed")
	assert.Contains(t, logs.lines[1], "GET /hopsworks-api/api/project: HTTP 200")
	for _, l := range logs.lines {
		assert.False(t, strings.Contains(l, "ApiKey"), l)
	}
}

func TestNoRedirectToPlainHTTP(t *testing.T) {
	var plain, redirects atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		plain.Add(1)
	}))
	defer target.Close()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		redirects.Add(1)
		http.Redirect(w, r, target.URL+"/steal", http.StatusFound)
	}))
	defer srv.Close()
	c, _ := restClient(t, srv, nil)
	err := c.get(context.Background(), nil, nil, "x")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not HTTPS")
	assert.Zero(t, plain.Load(), "the key never went to the plain-HTTP server")
	assert.EqualValues(t, 1, redirects.Load(), "a refused redirect is not retried")
}
