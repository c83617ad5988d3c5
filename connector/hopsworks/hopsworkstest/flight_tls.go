package hopsworkstest

import (
	"context"
	"crypto/tls"
	"net"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
)

// FlightServerName returns the name the Flight server's certificate is
// issued for, "flyingduck.service.<domain>": clients verify it under that
// name (protocol reference §5.2) whatever address they dial. The
// certificate is also valid for localhost and 127.0.0.1.
func FlightServerName(domain string) string {
	if domain == "" {
		domain = "consul"
	}
	return "flyingduck.service." + domain
}

// flightTLS returns the Flight server's mutual TLS configuration: a
// certificate for flyingduck.service.<domain> from the server's CA, and
// client certificates required and verified against the same CA, the CA
// of the certificates /credentials hands out.
func (s *Server) flightTLS() (*tls.Config, error) {
	name := FlightServerName(s.cfg.Domain)
	cert, err := s.ca.issue(name, true, []string{name, "localhost"}, []net.IP{net.ParseIP(Host)})
	if err != nil {
		return nil, err
	}
	return &tls.Config{
		Certificates: []tls.Certificate{cert.tls},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    s.ca.pool(),
		MinVersion:   tls.VersionTLS12,
	}, nil
}

// caller is the client of a Flight call, as its certificate names it.
type caller struct {
	// subject is the certificate's common name, "<project>__<user>".
	subject string
	proj    *project
	user    string
}

// callerOf identifies the client of a call from its verified client
// certificate, whose common name is "<project>__<user>" as /credentials
// issues it. What the caller may read is derived from that project, never
// from the request.
func (s *Server) callerOf(ctx context.Context) (*caller, error) {
	subject := subjectOf(ctx)
	if subject == "" {
		return nil, status.Error(codes.Unauthenticated, "no verified client certificate: the Hopsworks Query Service requires the project user's certificate")
	}
	projectName, user, ok := strings.Cut(subject, "__")
	if !ok || projectName == "" || user == "" {
		return nil, status.Errorf(codes.PermissionDenied, "client certificate subject %q is not a project user (<project>__<user>)", subject)
	}
	p := s.cat.projectByName(projectName)
	if p == nil {
		return nil, status.Errorf(codes.PermissionDenied, "client certificate subject %q names project %q, which does not exist", subject, projectName)
	}
	return &caller{subject: subject, proj: p, user: user}, nil
}

// subjectOf returns the common name of the verified client certificate of
// a call, or "" if it has none.
func subjectOf(ctx context.Context) string {
	p, ok := peer.FromContext(ctx)
	if !ok {
		return ""
	}
	info, ok := p.AuthInfo.(credentials.TLSInfo)
	if !ok || len(info.State.VerifiedChains) == 0 || len(info.State.VerifiedChains[0]) == 0 {
		return ""
	}
	return info.State.VerifiedChains[0][0].Subject.CommonName
}
