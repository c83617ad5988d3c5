package hopsworkstest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/flight"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"

	"github.com/hopsql/hopsql/connector/local/localtest"
)

// The Flight tests use a plain Arrow Flight client with mutual TLS built
// from the PEMs /credentials hands out, fetched over REST with net/http.

// userCredentials fetches the credentials of user in project over REST.
func userCredentials(t *testing.T, s *Server, user, project string) credentialsDTO {
	t.Helper()
	key := s.NewAPIKey(user)
	pid := projectID(t, s, key, project)
	r := get(t, s, key, fmt.Sprintf("project/%d/credentials", pid))
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	var cr credentialsDTO
	require.NoError(t, json.Unmarshal(r.body, &cr))
	return cr
}

// clientTLS builds the TLS configuration of a Flight client: trust caPEM,
// present the certificate of cr (none if cr is nil), verify the server as
// serverName.
func clientTLS(t *testing.T, caPEM []byte, cr *credentialsDTO, serverName string) *tls.Config {
	t.Helper()
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(caPEM))
	cfg := &tls.Config{RootCAs: pool, ServerName: serverName}
	if cr != nil {
		pair, err := tls.X509KeyPair([]byte(cr.ClientCert), []byte(cr.ClientKey))
		require.NoError(t, err)
		cfg.Certificates = []tls.Certificate{pair}
	}
	return cfg
}

// maxFlightMessage lifts gRPC's default 4 MiB receive limit: a batch of
// 65,536 rows is larger (Arrow C++ clients have no limit by default).
const maxFlightMessage = 256 << 20

// dial connects a Flight client to addr with cfg; it is closed when the
// test ends.
func dial(t testing.TB, addr string, cfg *tls.Config) flight.Client {
	t.Helper()
	c, err := flight.NewClientWithMiddleware(addr, nil, nil,
		grpc.WithTransportCredentials(credentials.NewTLS(cfg)),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(maxFlightMessage)))
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

// flightUser is a project user connected to the Flight server with the
// certificates /credentials gave it.
type flightUser struct {
	creds  credentialsDTO
	client flight.Client
}

// connectUser fetches the credentials of "<project>_user" and connects to
// the Flight server with them, verifying it as flyingduck.service.consul.
func connectUser(t *testing.T, s *Server, project string) *flightUser {
	t.Helper()
	cr := userCredentials(t, s, project+UserSuffix, project)
	return &flightUser{creds: cr, client: dial(t, s.FlightAddr(), clientTLS(t, []byte(cr.CaChain), &cr, FlightServerName(s.cfg.Domain)))}
}

// certificatesJSON is the x-certificates-json header and the
// register-client-certificates body of a user, as the Python client
// builds it from the files it wrote.
func (u *flightUser) certificatesJSON(t *testing.T) string {
	t.Helper()
	b, err := json.Marshal(map[string]string{"kstore": u.creds.KStore, "tstore": u.creds.TStore, "cert_key": u.creds.Password})
	require.NoError(t, err)
	return string(b)
}

// withCerts adds the user's x-certificates-json header to ctx.
func (u *flightUser) withCerts(t *testing.T, ctx context.Context) context.Context {
	return metadata.AppendToOutgoingContext(ctx, headerCertificates, u.certificatesJSON(t))
}

// result is what a DoGet streamed.
type result struct {
	schema  *arrow.Schema
	rows    [][]string // rows in localtest.Text form
	batches []int64    // rows per batch
}

// cmd is a CMD descriptor for a payload.
func cmd(payload []byte) *flight.FlightDescriptor {
	return &flight.FlightDescriptor{Type: flight.DescriptorCMD, Cmd: payload}
}

// read runs GetFlightInfo (with ctx) and DoGet (with getCtx, which carries
// the headers) and reads the whole stream with a checked allocator. It
// returns what was read before any error.
func (u *flightUser) read(t *testing.T, ctx, getCtx context.Context, desc *flight.FlightDescriptor) (*result, error) {
	t.Helper()
	info, err := u.client.GetFlightInfo(ctx, desc)
	if err != nil {
		return nil, err
	}
	require.NotEmpty(t, info.Endpoint)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema, err := flight.DeserializeSchema(info.Schema, mem)
	require.NoError(t, err)
	stream, err := u.client.DoGet(getCtx, info.Endpoint[0].Ticket)
	if err != nil {
		return nil, err
	}
	rr, err := flight.NewRecordReader(stream, ipc.WithAllocator(mem))
	if err != nil {
		return &result{schema: schema}, err
	}
	defer rr.Release()
	require.True(t, schema.Equal(rr.Schema()), "GetFlightInfo schema %s, stream schema %s", schema, rr.Schema())
	res := &result{schema: rr.Schema()}
	for rr.Next() {
		rec := rr.Record()
		res.batches = append(res.batches, rec.NumRows())
		for i := 0; i < int(rec.NumRows()); i++ {
			row := make([]string, rec.NumCols())
			for c := range row {
				row[c] = localtest.Text(localtest.Value(rec.Column(c), i))
			}
			res.rows = append(res.rows, row)
		}
	}
	if err := rr.Err(); err != nil && err != io.EOF {
		return res, err
	}
	return res, nil
}

// payload encodes a query payload as the Python client does (json.dumps).
func payload(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}
