package hopsworkstest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"google.golang.org/grpc"
)

// Config configures a test server.
type Config struct {
	// Warehouse is an embedded store directory (the connector/local
	// layout), e.g. a demo store.
	Warehouse string
	// Shares maps an owner project to the projects its feature store is
	// shared with; every project named must exist. Nil means
	// {"bank": {"fraud"}}, as far as the warehouse has these projects. The shared_with lists of the
	// warehouse's project.json files are not used.
	Shares map[string][]string
	// Domain is the service_discovery_domain; "" means "consul".
	Domain string
	// FlightPort is the Flight server's port on 127.0.0.1; 0 means any
	// free port.
	FlightPort int
	// HQSPayload makes the server behave like a backend of version 4.7 or
	// later: PUT .../featurestores/query?hqs=true also returns hqsPayload
	// and hqsPayloadSignature.
	HQSPayload bool
	// FlightNoVersion makes the Flight server behave like a Hopsworks Query
	// Service from before get-version: ListActions does not offer
	// get-version, and DoGet requires the client to have run
	// register-client-certificates first instead of sending the
	// x-certificates-json header (protocol reference §5.2 steps 6 and 7).
	FlightNoVersion bool
	// ExpiredCredentials makes /credentials hand out client certificates
	// that expired an hour ago, as for a user whose certificates were not
	// renewed: the Flight server rejects them in the TLS handshake.
	ExpiredCredentials bool
}

// defaultShares is the sharing used when Config.Shares is nil: bank's
// feature store is shared with fraud, as in the demo store.
func defaultShares() map[string][]string { return map[string][]string{"bank": {"fraud"}} }

// Server is a running test server: HTTPS REST on 127.0.0.1 under
// /hopsworks-api/api, with its own certificate authority.
type Server struct {
	cfg     Config
	cat     *catalog
	ca      *authority
	keys    keyring
	faults  Faults
	hqsKey  []byte // the secret hqsPayloadSignature is computed with
	version string // the backend version /variables/versions reports

	routes     []route
	rest       *http.Server
	restLn     net.Listener
	flightLn   net.Listener
	flight     *grpc.Server
	flightDone chan struct{}

	credMu sync.Mutex
	creds  map[string]credentialsDTO // by "<project>__<username>"

	closeOnce sync.Once
	closeErr  error
}

// Host is the address the server listens on.
const Host = "127.0.0.1"

// Start starts a server over cfg.Warehouse: HTTPS REST and the Flight
// server, both on 127.0.0.1. ctx bounds only the start: reading the
// warehouse and binding the ports. Close stops the server.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Warehouse == "" {
		return nil, errors.New("hopsworkstest: Config.Warehouse is empty; give the directory of an embedded store (for example one written by demo.Generate)")
	}
	strictShares := cfg.Shares != nil
	if cfg.Shares == nil {
		cfg.Shares = defaultShares()
	}
	if cfg.Domain == "" {
		cfg.Domain = "consul"
	}
	cat, err := loadCatalog(ctx, cfg.Warehouse, cfg.Shares, strictShares)
	if err != nil {
		return nil, err
	}
	ca, err := newAuthority()
	if err != nil {
		return nil, err
	}
	restCert, err := ca.issue("localhost", true, []string{"localhost"}, []net.IP{net.ParseIP(Host)})
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:    cfg,
		cat:    cat,
		ca:     ca,
		hqsKey: []byte(rand.Text()),
		// A backend that serves clients building the Flight payload
		// themselves (Generation C of the protocol) is a 4.6 one.
		version: "4.6.0",
		creds:   make(map[string]credentialsDTO),
		routes:  restRoutes(),
	}
	if cfg.HQSPayload {
		s.version = "4.7.0"
	}
	var lc net.ListenConfig
	s.restLn, err = lc.Listen(ctx, "tcp", net.JoinHostPort(Host, "0"))
	if err != nil {
		return nil, fmt.Errorf("hopsworkstest: listening for REST: %w", err)
	}
	if s.flight, err = s.newFlightServer(); err != nil {
		s.restLn.Close()
		return nil, err
	}
	s.flightLn, err = lc.Listen(ctx, "tcp", net.JoinHostPort(Host, strconv.Itoa(cfg.FlightPort)))
	if err != nil {
		s.restLn.Close()
		return nil, fmt.Errorf("hopsworkstest: listening for Flight on port %d: %w", cfg.FlightPort, err)
	}
	s.rest = &http.Server{
		Handler:           s,
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{restCert.tls}, MinVersion: tls.VersionTLS12},
		ReadHeaderTimeout: 10 * time.Second,
		// Clients that do not trust the CA make the server log handshake
		// errors; tests provoke that on purpose.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	go s.rest.ServeTLS(s.restLn, "", "")
	s.flightDone = make(chan struct{})
	go func() {
		defer close(s.flightDone)
		s.flight.Serve(s.flightLn)
	}()
	return s, nil
}

// Close stops the server. It returns the first error met; calling it again
// returns the same error.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		err := s.rest.Close()
		// Stop closes the listener and every connection, which cancels
		// the calls in progress.
		s.flight.Stop()
		<-s.flightDone
		s.closeErr = err
	})
	return s.closeErr
}

// Host returns the address the server listens on, "127.0.0.1". The REST
// certificate is valid for 127.0.0.1 and localhost.
func (s *Server) Host() string { return Host }

// Port returns the REST (HTTPS) port.
func (s *Server) Port() int { return s.restLn.Addr().(*net.TCPAddr).Port }

// URL returns the REST base URL, "https://127.0.0.1:<port>".
func (s *Server) URL() string { return "https://" + net.JoinHostPort(Host, strconv.Itoa(s.Port())) }

// FlightAddr returns the Flight server's address, "127.0.0.1:<port>".
func (s *Server) FlightAddr() string { return s.flightLn.Addr().String() }

// flightPort returns the Flight server's port.
func (s *Server) flightPort() int { return s.flightLn.Addr().(*net.TCPAddr).Port }

// CACertPEM returns the server's own CA certificate in PEM. It signs the
// REST certificate, the Flight certificate (for
// flyingduck.service.<domain>) and the client certificates handed out by
// /credentials.
func (s *Server) CACertPEM() []byte { return append([]byte(nil), s.ca.certPEM...) }

// NewAPIKey creates an API key for username with the given scopes (all
// scopes if none) and returns it as "<prefix>.<secret>". The demo store's
// users are "<project>_user" for each project, a member of that project
// only, and "admin", a member of every project. A key of any other
// username authenticates but belongs to no project.
func (s *Server) NewAPIKey(username string, scopes ...string) string {
	return s.keys.add(username, scopes)
}

// Faults returns the server's fault injection and request log.
func (s *Server) Faults() *Faults { return &s.faults }

// ServeHTTP serves the REST API: it logs the request, applies injected
// faults, then routes, authenticates and handles it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sw := &statusWriter{ResponseWriter: w}
	body := loggedBody(r, maxQueryBody)
	defer func() { s.faults.record(r, sw.status(), body) }()
	if f := s.faults.takeHTTP(r); f != nil {
		if f.status != 0 {
			writeError(sw, &apiError{code: errUnknown, status: f.status,
				usrMsg: fmt.Sprintf("fault injected by hopsworkstest: %s %s fails with %d", r.Method, r.URL.Path, f.status)})
			return
		}
		t := time.NewTimer(f.delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	s.route(sw, r)
}

// statusWriter remembers the status a handler answered with.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) status() int {
	if w.code == 0 {
		return http.StatusOK
	}
	return w.code
}

// writeJSON answers with status and v encoded as JSON the way the backend's
// Jackson does (no HTML escaping).
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, fmt.Sprintf("hopsworkstest: encoding response: %v", err), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}
