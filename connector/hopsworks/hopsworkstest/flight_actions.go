package hopsworkstest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"

	"github.com/apache/arrow/go/v15/arrow/flight"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// The actions of the Hopsworks Query Service (protocol reference §5.2,
// §5.4).
const (
	actionHealthcheck           = "healthcheck"
	actionGetVersion            = "get-version"
	actionRegisterCertificates  = "register-client-certificates"
	actionCreateTrainingDataset = "create-training-dataset"
)

// Headers of DoGet: the project user's certificates, sent by clients of a
// service that has a version, and the backend's signature of a
// Generation-D payload.
const (
	headerCertificates = "x-certificates-json"
	headerSignature    = "hopsworks-signature"
)

// actionTypes lists the actions ListActions offers. A service emulating
// an old server (Config.FlightNoVersion) has no get-version.
func (f *flightService) actionTypes() []*flight.ActionType {
	out := []*flight.ActionType{
		{Type: actionHealthcheck, Description: "Check that the service is up; answers with no result."},
	}
	if !f.s.cfg.FlightNoVersion {
		out = append(out, &flight.ActionType{Type: actionGetVersion, Description: "The service's version, as one result."})
	}
	return append(out,
		&flight.ActionType{Type: actionRegisterCertificates,
			Description: `Register the project user's certificates: {"kstore", "tstore", "cert_key"}.`},
		&flight.ActionType{Type: actionCreateTrainingDataset,
			Description: "Write a training dataset from a query (not supported by hopsworkstest)."},
	)
}

// ListActions lists the actions of the service.
func (f *flightService) ListActions(_ *flight.Empty, stream flight.FlightService_ListActionsServer) error {
	return f.serve(stream.Context(), "ListActions", func(*caller) error {
		for _, a := range f.actionTypes() {
			if err := stream.Send(a); err != nil {
				return err
			}
		}
		return nil
	})
}

// DoAction runs an action.
func (f *flightService) DoAction(a *flight.Action, stream flight.FlightService_DoActionServer) error {
	return f.serve(stream.Context(), "DoAction:"+a.Type, func(c *caller) error {
		switch {
		case a.Type == actionHealthcheck:
			return nil
		case a.Type == actionGetVersion && !f.s.cfg.FlightNoVersion:
			return stream.Send(&flight.Result{Body: []byte(f.s.version)})
		case a.Type == actionRegisterCertificates:
			if err := f.s.checkCertificates(c, a.Body); err != nil {
				return err
			}
			f.register(c)
			return nil
		case a.Type == actionCreateTrainingDataset:
			return status.Error(codes.Unimplemented, "create-training-dataset: hopsworkstest does not write training datasets")
		}
		return status.Errorf(codes.Unimplemented, "unknown action %q", a.Type)
	})
}

// certificatesDTO is the body of register-client-certificates and the
// value of the x-certificates-json header (the backend's
// ArrowFlightCredentialDTO).
type certificatesDTO struct {
	KStore  *string `json:"kstore"`
	TStore  *string `json:"tstore"`
	CertKey *string `json:"cert_key"`
}

// checkCertificates checks a certificates JSON: the key store, trust store
// (base64) and password /credentials issued to the caller's project user.
func (s *Server) checkCertificates(c *caller, body []byte) error {
	var dto certificatesDTO
	if err := json.Unmarshal(body, &dto); err != nil {
		return status.Errorf(codes.InvalidArgument, `certificates: not a JSON object {"kstore", "tstore", "cert_key"}: %v`, err)
	}
	if dto.KStore == nil || dto.TStore == nil || dto.CertKey == nil {
		return status.Error(codes.InvalidArgument, `certificates: the JSON object needs "kstore", "tstore" and "cert_key"`)
	}
	s.credMu.Lock()
	issued, ok := s.creds[c.subject]
	s.credMu.Unlock()
	if !ok || !sameBase64(*dto.KStore, issued.KStore) || !sameBase64(*dto.TStore, issued.TStore) || *dto.CertKey != issued.Password {
		return status.Errorf(codes.Unauthenticated, "certificates: not the key store, trust store and password issued to %s", c.subject)
	}
	return nil
}

// sameBase64 reports whether two base64 texts encode the same bytes.
func sameBase64(a, b string) bool {
	da, err := base64.StdEncoding.DecodeString(a)
	if err != nil {
		return false
	}
	db, err := base64.StdEncoding.DecodeString(b)
	return err == nil && bytes.Equal(da, db)
}

// authorizeRead checks the headers of a DoGet for q (protocol reference
// §5.2, §5.3):
//
//   - with hopsworks-signature, the signature must be the backend's
//     signature of the command (the test server's HMAC, see signPayload);
//     a wrong one is refused with PERMISSION_DENIED (the real service's
//     answer is not public: this is a guess);
//   - otherwise a service with a version requires x-certificates-json
//     holding the caller's certificates;
//   - a service without a version (Config.FlightNoVersion) requires the
//     caller to have run register-client-certificates, and answers
//     "Please register client certificates first." if it did not.
//
// Whatever the headers say, what the query may read is decided by the
// caller's project.
func (f *flightService) authorizeRead(ctx context.Context, c *caller, q *pendingQuery) error {
	md, _ := metadata.FromIncomingContext(ctx)
	if sig := md.Get(headerSignature); len(sig) > 0 {
		if q.command == nil || !f.s.validSignature(string(q.command), sig[0]) {
			return status.Error(codes.PermissionDenied, "invalid hopsworks-signature: the query payload was not signed by Hopsworks")
		}
		return nil
	}
	if certs := md.Get(headerCertificates); len(certs) > 0 {
		return f.s.checkCertificates(c, []byte(certs[0]))
	}
	if f.s.cfg.FlightNoVersion {
		if f.isRegistered(c) {
			return nil
		}
		return unknownError("Please register client certificates first.")
	}
	return status.Errorf(codes.Unauthenticated, "missing header %s (or %s for a payload signed by Hopsworks)", headerCertificates, headerSignature)
}
