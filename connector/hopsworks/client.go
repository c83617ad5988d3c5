package hopsworks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hopsql/hopsql/connector"
)

// apiRoot is the path of the Hopsworks REST API on its host: the web
// application's context root and the JAX-RS application path.
const apiRoot = "/hopsworks-api/api"

// maxResponse bounds the body of a REST answer the client reads.
const maxResponse = 64 << 20

// Client is a connection to a Hopsworks cluster, bound to one project. It
// implements connector.Source over the project's feature store and the
// stores shared with it. It is safe for concurrent use. Close releases it.
type Client struct {
	opts Options // validated, without APIKeyValue
	// key is behind a pointer: fmt prints nested pointers as addresses,
	// and cannot call secret's Format on an unexported field.
	key   *secret
	base  string // https://host:port/hopsworks-api/api
	http  *http.Client
	retry retryPolicy
	// flightRetry is the policy of calls to the Hopsworks Query Service
	// that may be retried (see readHQS and prepareHQS).
	flightRetry retryPolicy
	page        int // feature groups asked for per request
	logf        func(format string, args ...any)
	project     projectDTO // the connected project
	user        string     // the user the API key belongs to
	certs       *certFiles

	// life ends when the client is closed; background metadata fetches
	// run under it.
	life     context.Context
	shutdown context.CancelFunc
	closing  sync.Once
	closeErr error

	projects *cache[projectDTO]  // other projects by lower-case name
	stores   *cache[[]storeInfo] // readable stores by lower-case project
	groups   *cache[[]groupInfo] // feature groups by lower-case owner

	hqs *hqsState // the Hopsworks Query Service
}

var _ connector.Source = (*Client)(nil)

// newClient returns a client for the validated options o, not yet bound
// to a project.
func newClient(o Options, key secret) (*Client, error) {
	if key == "" {
		return nil, errors.New("hopsworks: no API key")
	}
	logf := o.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	tlsConfig, err := restTLSConfig(o, logf)
	if err != nil {
		return nil, err
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.TLSClientConfig = tlsConfig
	o.APIKeyValue = ""
	life, shutdown := context.WithCancel(context.Background())
	c := &Client{
		opts:        o,
		key:         &key,
		base:        "https://" + net.JoinHostPort(o.Host, strconv.Itoa(o.Port)) + apiRoot,
		http:        &http.Client{Transport: transport, CheckRedirect: httpsOnly},
		retry:       defaultRetry(),
		flightRetry: defaultFlightRetry(),
		page:        featureGroupPage,
		logf:        logf,
		life:        life,
		shutdown:    shutdown,
		hqs:         newHQSState(),
	}
	c.projects = newCache[projectDTO](life, o.MetadataTTL)
	c.stores = newCache[[]storeInfo](life, o.MetadataTTL)
	c.groups = newCache[[]groupInfo](life, o.MetadataTTL)
	return c, nil
}

// errInsecureRedirect is wrapped by the error of a redirect httpsOnly
// refuses.
var errInsecureRedirect = errors.New("refusing to follow a redirect that is not HTTPS")

// httpsOnly refuses redirects away from HTTPS: net/http keeps the
// Authorization header on a redirect to the same host, whatever the
// scheme, and the API key must not travel in clear.
func httpsOnly(req *http.Request, via []*http.Request) error {
	if req.URL.Scheme != "https" {
		return fmt.Errorf("%w to %s", errInsecureRedirect, req.URL.Redacted())
	}
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	return nil
}

// request is one REST call.
type request struct {
	method string
	path   []string   // segments after /hopsworks-api/api, unescaped
	query  url.Values // may be nil
	body   any        // sent as JSON if not nil
}

// escapePath joins path segments, percent-encoding each on its own as the
// Hopsworks client does, so that a name holding "/" or "?" stays one
// segment. Segments "." and ".." are encoded too, so that nothing between
// the client and the API resolves them as relative paths.
func escapePath(segments []string) string {
	var b strings.Builder
	for _, s := range segments {
		b.WriteByte('/')
		if s == "." || s == ".." {
			b.WriteString(strings.ReplaceAll(s, ".", "%2E"))
			continue
		}
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}

// get calls GET on path with query and decodes the answer into out.
func (c *Client) get(ctx context.Context, out any, query url.Values, path ...string) error {
	return c.do(ctx, request{method: http.MethodGet, path: path, query: query}, out)
}

// do makes the call r, retrying as c.retry allows, and decodes a JSON
// answer into out unless out is nil or the answer is empty. A non-2xx
// answer becomes an *APIError. Errors start with the method and path;
// callers add what the call was for.
func (c *Client) do(ctx context.Context, r request, out any) error {
	if c.life.Err() != nil {
		return ErrClosed
	}
	path := apiRoot + escapePath(r.path)
	target := c.base + escapePath(r.path)
	if len(r.query) > 0 {
		target += "?" + r.query.Encode()
	}
	var body []byte
	if r.body != nil {
		var err error
		if body, err = json.Marshal(r.body); err != nil {
			return fmt.Errorf("%s %s: encoding the request: %w", r.method, path, err)
		}
	}
	for attempt := 1; ; attempt++ {
		start := time.Now()
		status, data, err := c.attempt(ctx, r.method, target, body)
		if err == nil && status/100 == 2 {
			c.logf("hopsworks: %s %s: HTTP %d in %v", r.method, path, status, time.Since(start).Round(time.Millisecond))
			if out == nil || len(bytes.TrimSpace(data)) == 0 {
				return nil
			}
			if err := json.Unmarshal(data, out); err != nil {
				return fmt.Errorf("%s %s: decoding the answer: %w", r.method, path, err)
			}
			return nil
		}
		var failure error
		if err != nil {
			failure = fmt.Errorf("%s %s: %w", r.method, path, err)
		} else {
			failure = c.apiError(r.method, path, status, data)
		}
		if attempt >= c.retry.attempts || !retryable(ctx, r.method, status, err) {
			return failure
		}
		wait := c.retry.delay(attempt)
		c.logf("hopsworks: attempt %d of %d failed: %v; retrying in %v", attempt, c.retry.attempts, failure, wait.Round(time.Millisecond))
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return fmt.Errorf("%s %s: %w (while waiting to retry after: %w)", r.method, path, ctx.Err(), failure)
		case <-timer.C:
		}
	}
}

// attempt sends one request and reads the whole answer. err reports a
// failure to get an answer; status and data are the answer otherwise.
func (c *Client) attempt(ctx context.Context, method, target string, body []byte) (status int, data []byte, err error) {
	actx, cancel := context.WithTimeout(ctx, c.opts.RequestTimeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(actx, method, target, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "ApiKey "+string(*c.key))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err == nil {
		defer resp.Body.Close()
		data, err = io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
		if err == nil && len(data) > maxResponse {
			return 0, nil, fmt.Errorf("the answer is larger than %d MiB", maxResponse>>20)
		}
	}
	if err != nil {
		if ctx.Err() == nil && errors.Is(actx.Err(), context.DeadlineExceeded) {
			return 0, nil, fmt.Errorf("no answer within %v (the request timeout): %w", c.opts.RequestTimeout, context.DeadlineExceeded)
		}
		// *url.Error repeats method and URL, which the caller adds.
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return 0, nil, err
	}
	return resp.StatusCode, data, nil
}

// apiError builds the error of a non-2xx answer, with any echo of the API
// key in the server's messages redacted.
func (c *Client) apiError(method, path string, status int, body []byte) *APIError {
	e := newAPIError(method, path, status, body)
	e.Msg = strings.ReplaceAll(e.Msg, string(*c.key), redacted)
	e.UserMsg = strings.ReplaceAll(e.UserMsg, string(*c.key), redacted)
	return e
}
