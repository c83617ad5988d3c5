package hopsworkstest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow/flight"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// healthcheck runs the healthcheck action and drains its results.
func healthcheck(ctx context.Context, c flight.Client) error {
	stream, err := c.DoAction(ctx, &flight.Action{Type: actionHealthcheck})
	if err != nil {
		return err
	}
	return flight.ReadUntilEOF(stream)
}

// actionResults runs an action and returns the bodies of its results.
func actionResults(ctx context.Context, c flight.Client, typ string, body []byte) ([]string, error) {
	stream, err := c.DoAction(ctx, &flight.Action{Type: typ, Body: body})
	if err != nil {
		return nil, err
	}
	var out []string
	for {
		r, err := stream.Recv()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, string(r.Body))
	}
}

func TestFlightMutualTLS(t *testing.T) {
	s := start(t, Config{})
	other := start(t, Config{})
	own := userCredentials(t, s, "fraud_user", "fraud")
	foreign := userCredentials(t, other, "fraud_user", "fraud")
	tests := []struct {
		name       string
		ca         []byte
		creds      *credentialsDTO
		serverName string
		ok         bool
	}{
		{"project certificate, server name flyingduck.service.consul", s.CACertPEM(), &own, "flyingduck.service.consul", true},
		{"server certificate also valid for localhost", s.CACertPEM(), &own, "localhost", true},
		{"no client certificate", s.CACertPEM(), nil, "flyingduck.service.consul", false},
		{"client certificate from another CA", s.CACertPEM(), &foreign, "flyingduck.service.consul", false},
		{"server not trusted", other.CACertPEM(), &own, "flyingduck.service.consul", false},
		{"wrong server name", s.CACertPEM(), &own, "flyingduck.service.example", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.Faults().ResetRequests()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := healthcheck(ctx, dial(t, s.FlightAddr(), clientTLS(t, tt.ca, tt.creds, tt.serverName)))
			if tt.ok {
				require.NoError(t, err)
				assert.Equal(t, []FlightRequest{{Call: "DoAction:healthcheck", Subject: "fraud__fraud_user", Code: codes.OK}},
					s.Faults().FlightRequests())
				return
			}
			require.Error(t, err)
			assert.Equal(t, codes.Unavailable, status.Code(err), "a failed handshake: %v", err)
			assert.Empty(t, s.Faults().FlightRequests(), "no call reaches the service")
		})
	}
}

func TestFlightServerNameFollowsDomain(t *testing.T) {
	s := start(t, Config{Domain: "hops.internal"})
	cr := userCredentials(t, s, "bank_user", "bank")
	ctx := context.Background()
	require.NoError(t, healthcheck(ctx, dial(t, s.FlightAddr(), clientTLS(t, s.CACertPEM(), &cr, "flyingduck.service.hops.internal"))))
	assert.Error(t, healthcheck(ctx, dial(t, s.FlightAddr(), clientTLS(t, s.CACertPEM(), &cr, "flyingduck.service.consul"))))
}

func TestFlightActions(t *testing.T) {
	tests := []struct {
		name      string
		cfg       Config
		wantTypes []string
	}{
		{"with a version", Config{}, []string{"healthcheck", "get-version", "register-client-certificates", "create-training-dataset"}},
		{"4.7 backend", Config{HQSPayload: true}, []string{"healthcheck", "get-version", "register-client-certificates", "create-training-dataset"}},
		{"old service", Config{FlightNoVersion: true}, []string{"healthcheck", "register-client-certificates", "create-training-dataset"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := start(t, tt.cfg)
			u := connectUser(t, s, "fraud")
			ctx := context.Background()

			stream, err := u.client.ListActions(ctx, &flight.Empty{})
			require.NoError(t, err)
			var types []string
			for {
				a, err := stream.Recv()
				if err == io.EOF {
					break
				}
				require.NoError(t, err)
				assert.NotEmpty(t, a.Description)
				types = append(types, a.Type)
			}
			assert.Equal(t, tt.wantTypes, types)

			got, err := actionResults(ctx, u.client, actionHealthcheck, nil)
			require.NoError(t, err)
			assert.Empty(t, got, "healthcheck answers with no result")

			got, err = actionResults(ctx, u.client, actionGetVersion, nil)
			if tt.cfg.FlightNoVersion {
				assert.Equal(t, codes.Unimplemented, status.Code(err), "%v", err)
			} else {
				require.NoError(t, err)
				assert.Equal(t, []string{restVersion(t, s, "flyingduck")}, got, "get-version agrees with GET variables/versions")
			}

			got, err = actionResults(ctx, u.client, actionRegisterCertificates, []byte(u.certificatesJSON(t)))
			require.NoError(t, err)
			assert.Empty(t, got)

			_, err = actionResults(ctx, u.client, actionCreateTrainingDataset, []byte(`{}`))
			assert.Equal(t, codes.Unimplemented, status.Code(err), "%v", err)
			_, err = actionResults(ctx, u.client, "drop-everything", nil)
			assert.Equal(t, codes.Unimplemented, status.Code(err), "%v", err)
		})
	}
}

// restVersion returns the version GET variables/versions reports for
// software.
func restVersion(t *testing.T, s *Server, software string) string {
	t.Helper()
	r := get(t, s, s.NewAPIKey("fraud_user"), "variables/versions")
	require.Equal(t, http.StatusOK, r.status)
	var versions []versionDTO
	require.NoError(t, json.Unmarshal(r.body, &versions))
	for _, v := range versions {
		if v.Software == software {
			return v.Version
		}
	}
	t.Fatalf("no %s in %s", software, r.body)
	return ""
}

func TestFlightRegisterCertificatesChecksThem(t *testing.T) {
	s := start(t, Config{})
	fraud := connectUser(t, s, "fraud")
	bank := connectUser(t, s, "bank")
	tests := []struct {
		name string
		body string
		code codes.Code
	}{
		{"own certificates", fraud.certificatesJSON(t), codes.OK},
		{"another user's certificates", bank.certificatesJSON(t), codes.Unauthenticated},
		{"wrong password", `{"kstore": "` + fraud.creds.KStore + `", "tstore": "` + fraud.creds.TStore + `", "cert_key": "guess"}`, codes.Unauthenticated},
		{"missing cert_key", `{"kstore": "` + fraud.creds.KStore + `", "tstore": "` + fraud.creds.TStore + `"}`, codes.InvalidArgument},
		{"not JSON", `kstore=1`, codes.InvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := actionResults(context.Background(), fraud.client, actionRegisterCertificates, []byte(tt.body))
			assert.Equal(t, tt.code, status.Code(err), "%v", err)
		})
	}
}

func TestFlightRequestsLog(t *testing.T) {
	s := start(t, Config{})
	u := connectUser(t, s, "fraud")
	ctx := context.Background()
	s.Faults().ResetRequests()
	_, err := actionResults(ctx, u.client, actionRegisterCertificates, []byte(u.certificatesJSON(t)))
	require.NoError(t, err)
	_, err = u.client.GetFlightInfo(ctx, cmd([]byte(`{"query_string": ""}`)))
	require.Error(t, err)
	assert.Equal(t, []FlightRequest{
		{Call: "DoAction:register-client-certificates", Subject: "fraud__fraud_user", Code: codes.OK},
		{Call: "GetFlightInfo", Subject: "fraud__fraud_user", Code: codes.InvalidArgument},
	}, s.Faults().FlightRequests(), "calls are logged by name, subject and status, without bodies or headers")
}
