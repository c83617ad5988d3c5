package hopsworks

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The Hopsworks Query Service (HQS, "flyingduck") serves feature group
// reads over Arrow Flight with mutual TLS. The client finds it through
// backend variables and keeps one connection to it, made on first use.

// DefaultFlightTimeout is how long a read from the Hopsworks Query Service
// waits for its next batch when Options.FlightTimeout is zero: the
// Hopsworks client's Flight timeout.
const DefaultFlightTimeout = 900 * time.Second

// Backend variables that locate the Query Service.
const (
	varEnableFlyingDuck = "enable_flyingduck"
	varDiscoveryDomain  = "service_discovery_domain"
	// varFlightHost is the host (or host:port) external clients reach the
	// Query Service at.
	varFlightHost = "loadbalancer_external_domain_feature_query"
)

const (
	// defaultFlightPort is the Query Service's port when the variable
	// gives none.
	defaultFlightPort = "5005"
	// defaultDiscoveryDomain is the service discovery domain when the
	// cluster does not say.
	defaultDiscoveryDomain = "consul"
	// flightServicePrefix and the discovery domain form the name the
	// Query Service's certificate is issued for.
	flightServicePrefix = "flyingduck.service."
)

// hqsEndpoint is where the Query Service is.
type hqsEndpoint struct {
	addr       string // host:port to dial
	serverName string // the name its certificate is verified against
}

// hqsState is a client's view of the Query Service: found once, connected
// once, the connection reused by every read until the client closes.
type hqsState struct {
	sem chan struct{} // held while finding or connecting

	mu     sync.Mutex
	ep     *hqsEndpoint
	conn   *hqsConn
	closed bool
}

func newHQSState() *hqsState { return &hqsState{sem: make(chan struct{}, 1)} }

// lock takes the state's semaphore, or gives up when ctx ends.
func (s *hqsState) lock(ctx context.Context) error {
	select {
	case s.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *hqsState) unlock() { <-s.sem }

// close closes the connection, if any; later reads fail with ErrClosed.
func (s *hqsState) close() error {
	s.mu.Lock()
	conn := s.conn
	s.conn, s.closed = nil, true
	s.mu.Unlock()
	if conn == nil {
		return nil
	}
	return conn.close()
}

// hqsEndpoint returns where the Query Service is, asking the cluster the
// first time (protocol reference §5.2): the service discovery domain
// (consul if unset), whether the service is enabled, and the address
// external clients reach it at.
func (c *Client) hqsEndpoint(ctx context.Context) (*hqsEndpoint, error) {
	s := c.hqs
	s.mu.Lock()
	ep := s.ep
	s.mu.Unlock()
	if ep != nil {
		return ep, nil
	}
	if err := s.lock(ctx); err != nil {
		return nil, err
	}
	defer s.unlock()
	s.mu.Lock()
	ep = s.ep
	s.mu.Unlock()
	if ep != nil {
		return ep, nil
	}
	ep, err := c.discoverHQS(ctx)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.ep = ep
	s.mu.Unlock()
	return ep, nil
}

// discoverHQS asks the cluster where the Query Service is.
func (c *Client) discoverHQS(ctx context.Context) (*hqsEndpoint, error) {
	domain, err := c.variable(ctx, varDiscoveryDomain)
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		c.logf("hopsworks: no service discovery domain (%v); using %s", err, defaultDiscoveryDomain)
	}
	domain = strings.Trim(strings.TrimSpace(domain), ".")
	if domain == "" {
		domain = defaultDiscoveryDomain
	}
	enabled, err := c.variable(ctx, varEnableFlyingDuck)
	if err != nil {
		return nil, fmt.Errorf("hopsworks: asking %s whether its Hopsworks Query Service is enabled: %w", c.addr(), err)
	}
	if !strings.EqualFold(strings.TrimSpace(enabled), "true") {
		return nil, fmt.Errorf("hopsworks: the Hopsworks Query Service (Arrow Flight), through which hopsql reads feature groups, is not enabled on %s (variable %s is %q): %w",
			c.addr(), varEnableFlyingDuck, enabled, errors.ErrUnsupported)
	}
	host, err := c.variable(ctx, varFlightHost)
	if err != nil {
		return nil, fmt.Errorf("hopsworks: asking %s where its Hopsworks Query Service is (variable %s): %w", c.addr(), varFlightHost, err)
	}
	addr, err := flightAddr(host)
	if err != nil {
		return nil, fmt.Errorf("hopsworks: the address of the Hopsworks Query Service (variable %s): %w", varFlightHost, err)
	}
	ep := &hqsEndpoint{addr: addr, serverName: flightServicePrefix + domain}
	c.logf("hopsworks: the Hopsworks Query Service is at %s (TLS server name %s)", ep.addr, ep.serverName)
	return ep, nil
}

// variable returns the value of a backend variable
// (GET /variables/{name}).
func (c *Client) variable(ctx context.Context, name string) (string, error) {
	var v struct {
		SuccessMessage string `json:"successMessage"`
	}
	if err := c.get(ctx, &v, nil, "variables", name); err != nil {
		return "", err
	}
	return v.SuccessMessage, nil
}

// flightAddr returns the host:port to dial for the value of the variable
// locating the Query Service: "host" (port 5005) or "host:port", possibly
// with a grpc+tls:// scheme.
func flightAddr(v string) (string, error) {
	s := strings.TrimSpace(v)
	for _, scheme := range []string{"grpc+tls://", "grpc://"} {
		if len(s) >= len(scheme) && strings.EqualFold(s[:len(scheme)], scheme) {
			s = s[len(scheme):]
		}
	}
	s = strings.TrimSuffix(s, "/")
	if s == "" {
		return "", errors.New("the cluster gave no address")
	}
	if strings.ContainsAny(s, "/?#@ \t\r\n") {
		return "", fmt.Errorf("%q is not a host or host:port", v)
	}
	if host, port, err := net.SplitHostPort(s); err == nil {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || host == "" {
			return "", fmt.Errorf("%q is not a host or host:port", v)
		}
		return s, nil
	}
	host := strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	if strings.Contains(host, ":") && net.ParseIP(host) == nil {
		return "", fmt.Errorf("%q is not a host or host:port", v)
	}
	return net.JoinHostPort(host, defaultFlightPort), nil
}

// flightTLS returns the TLS configuration of the connection to the Query
// Service: mutual TLS with the project user's certificate, the server's
// verified against the cluster's CAs under serverName, whatever address
// is dialled.
func (c *certFiles) flightTLS(serverName string) (*tls.Config, error) {
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(c.caChain) {
		return nil, errors.New("hopsworks: the project's credentials hold no CA certificate (caChain) to verify the Hopsworks Query Service with")
	}
	cert, err := tls.X509KeyPair(c.clientCert, []byte(c.clientKey))
	if err != nil {
		// The error quotes no key material.
		return nil, fmt.Errorf("hopsworks: the project's client certificate and key do not load: %w", err)
	}
	return &tls.Config{
		MinVersion:   tls.VersionTLS12,
		RootCAs:      roots,
		Certificates: []tls.Certificate{cert},
		ServerName:   serverName,
	}, nil
}

// certificatesJSON returns the project user's key and trust stores as the
// Query Service takes them, in register-client-certificates and in the
// x-certificates-json header: {"kstore", "tstore", "cert_key"}.
func (c *certFiles) certificatesJSON() secret {
	b, _ := json.Marshal(struct {
		KStore  string `json:"kstore"`
		TStore  string `json:"tstore"`
		CertKey string `json:"cert_key"`
	}{c.kStore, c.tStore, string(c.password)})
	return secret(b)
}

// flightFormat reports an error for a feature group whose table format
// the Query Service does not read.
// The Hopsworks client reads HUDI, DELTA and ICEBERG tables through it,
// and nothing else (a format of NONE is a plain Hive table); a feature
// group whose format the backend does not say is tried.
func flightFormat(g *groupInfo) error {
	switch strings.ToUpper(g.dto.TimeTravelFormat) {
	case "", "HUDI", "DELTA", "ICEBERG":
		return nil
	}
	return fmt.Errorf("hopsworks: %s is kept in table format %s, which the Hopsworks Query Service does not read (it reads HUDI, DELTA and ICEBERG): %w",
		g.fg.QualifiedName(), g.dto.TimeTravelFormat, errors.ErrUnsupported)
}

// checkReadable reports why hopsql cannot read the feature group g, or nil.
func checkReadable(g *groupInfo) error {
	if !g.readable() {
		conn := g.dto.connectorType()
		if conn == "" {
			conn = "unknown"
		}
		return fmt.Errorf("hopsworks: %s is an external feature group (storage connector %s) whose rows live outside Hopsworks; hopsql cannot read it: %w", g.fg.QualifiedName(), conn, errors.ErrUnsupported)
	}
	return flightFormat(g)
}
