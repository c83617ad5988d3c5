package hopsworkstest

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/flight"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"

	"github.com/hopsql/hopsql/connector"
	"github.com/hopsql/hopsql/connector/hopsworks"
	"github.com/hopsql/hopsql/connector/local/demo"
)

// BenchmarkFlightRead measures rows/s of reading every transaction over
// the test server's Flight service (GetFlightInfo, then DoGet running the
// query with hopsql's engine), against a bare Arrow Flight round trip of
// the same batches in the same run: an in-process Flight server, with the
// same mutual TLS, that streams records built beforehand. A third
// sub-benchmark reads the same rows the way hopsql does, through the
// Hopsworks client (a query-constructor call and the Flight stream each
// time).
//
// The demo store has 100,000 transactions per scale unit; set
// HOPSWORKSTEST_BENCH_SCALE (default 1) to read a larger one.
//
//	go test -run '^$' -bench FlightRead ./connector/hopsworks/hopsworkstest/
func BenchmarkFlightRead(b *testing.B) {
	warehouse := benchWarehouse(b)
	s, err := Start(context.Background(), Config{Warehouse: warehouse})
	require.NoError(b, err)
	defer s.Close()
	cr := benchCredentials(b, s, "fraud_user", "fraud")
	pair, err := tls.X509KeyPair([]byte(cr.ClientCert), []byte(cr.ClientKey))
	require.NoError(b, err)
	clientTLS := &tls.Config{RootCAs: s.ca.pool(), Certificates: []tls.Certificate{pair}, ServerName: FlightServerName("")}
	certs, err := json.Marshal(map[string]string{"kstore": cr.KStore, "tstore": cr.TStore, "cert_key": cr.Password})
	require.NoError(b, err)
	ctx := metadata.AppendToOutgoingContext(context.Background(), headerCertificates, string(certs))
	desc := cmd(payload(b, obj{"query_string": `SELECT * FROM "fraud.transactions_1" "fg0"`,
		"features": obj{"fraud.transactions_1": []any{}}, "filters": nil,
		"connectors": obj{"fraud.transactions_1": obj{"time_travel_type": "hudi"}}}))
	hops := dial(b, s.FlightAddr(), clientTLS)

	// The bare server streams the batches the test server sends.
	schema, recs := readAll(b, ctx, hops, desc)
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	rows := int64(0)
	for _, r := range recs {
		rows += r.NumRows()
	}
	bare := startBareFlight(b, s, schema, recs)
	bareClient := dial(b, bare, clientTLS)

	b.Run(fmt.Sprintf("hopsworkstest/rows=%d", rows), func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			_, got := readAll(b, ctx, hops, desc)
			releaseCount(b, got, rows)
		}
		b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run(fmt.Sprintf("hopsql-client/rows=%d", rows), func(b *testing.B) {
		benchClientScan(b, s, rows)
	})
	b.Run(fmt.Sprintf("bare/rows=%d", rows), func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			_, got := readAll(b, context.Background(), bareClient, cmd([]byte("all")))
			releaseCount(b, got, rows)
		}
		b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}

// benchClientScan reads every transaction the way hopsql does: through
// the Hopsworks client (connector/hopsworks), its query constructor call
// and its Flight stream, with the REST and Flight set-up done once.
func benchClientScan(b *testing.B, s *Server, rows int64) {
	ctx := context.Background()
	dir := b.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	require.NoError(b, os.WriteFile(ca, s.CACertPEM(), 0o600))
	c, err := hopsworks.Connect(ctx, hopsworks.Options{
		Host: s.Host(), Port: s.Port(), Project: "fraud", APIKeyValue: s.NewAPIKey("fraud_user"),
		HostnameVerification: true, TrustStorePath: ca, CertFolder: dir,
	})
	require.NoError(b, err)
	defer c.Close()
	fgs, err := c.FeatureGroups(ctx, "fraud")
	require.NoError(b, err)
	var fg *connector.FeatureGroup
	for _, g := range fgs {
		if g.Name == "transactions" && g.Version == 1 {
			fg = g
		}
	}
	require.NotNil(b, fg)
	cols := make([]string, len(fg.Features))
	for i, f := range fg.Features {
		cols[i] = f.Name
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(b, 0)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		scan, err := c.PlanScan(ctx, fg, connector.ScanRequest{Columns: cols})
		require.NoError(b, err)
		var n int64
		for _, p := range scan.Partitions() {
			rr, err := p.Open(ctx, mem)
			require.NoError(b, err)
			for rr.Next() {
				n += rr.Record().NumRows()
			}
			require.NoError(b, rr.Err())
			rr.Release()
		}
		require.Equal(b, rows, n)
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// benchWarehouse returns the demo store of the scale
// HOPSWORKSTEST_BENCH_SCALE asks for: the tests' own for scale 1, else one
// generated for the benchmark.
func benchWarehouse(b *testing.B) string {
	scale := 1
	if v := os.Getenv("HOPSWORKSTEST_BENCH_SCALE"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(b, err, "HOPSWORKSTEST_BENCH_SCALE")
		scale = n
	}
	if scale == 1 {
		return demoDir
	}
	dir := filepath.Join(b.TempDir(), "demo")
	require.NoError(b, demo.Generate(context.Background(), dir, scale))
	return dir
}

// benchCredentials fetches a user's credentials over REST.
func benchCredentials(b *testing.B, s *Server, user, project string) credentialsDTO {
	key := s.NewAPIKey(user)
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: s.ca.pool()}}}
	defer hc.CloseIdleConnections()
	fetch := func(path string, v any) {
		req, err := http.NewRequest(http.MethodGet, s.URL()+APIPath+"/"+path, nil)
		require.NoError(b, err)
		req.Header.Set("Authorization", "ApiKey "+key)
		resp, err := hc.Do(req)
		require.NoError(b, err)
		defer resp.Body.Close()
		require.Equal(b, http.StatusOK, resp.StatusCode, path)
		require.NoError(b, json.NewDecoder(resp.Body).Decode(v))
	}
	var p struct {
		ProjectID int `json:"projectId"`
	}
	fetch("project/getProjectInfo/"+project, &p)
	var cr credentialsDTO
	fetch(fmt.Sprintf("project/%d/credentials", p.ProjectID), &cr)
	return cr
}

// readAll runs GetFlightInfo and DoGet and returns the records read,
// retained.
func readAll(b *testing.B, ctx context.Context, c flight.Client, desc *flight.FlightDescriptor) (*arrow.Schema, []arrow.Record) {
	info, err := c.GetFlightInfo(ctx, desc)
	require.NoError(b, err)
	stream, err := c.DoGet(ctx, info.Endpoint[0].Ticket)
	require.NoError(b, err)
	rr, err := flight.NewRecordReader(stream, ipc.WithAllocator(memory.NewGoAllocator()))
	require.NoError(b, err)
	defer rr.Release()
	var recs []arrow.Record
	for rr.Next() {
		rec := rr.Record()
		rec.Retain()
		recs = append(recs, rec)
	}
	require.NoError(b, rr.Err())
	return rr.Schema(), recs
}

// releaseCount checks that recs hold rows rows and releases them.
func releaseCount(b *testing.B, recs []arrow.Record, rows int64) {
	n := int64(0)
	for _, r := range recs {
		n += r.NumRows()
		r.Release()
	}
	if n != rows {
		b.Fatalf("read %d rows, want %d", n, rows)
	}
}

// startBareFlight serves recs over mutual TLS with a certificate from s's
// CA, as the test server's Flight service does, and returns its address.
func startBareFlight(b *testing.B, s *Server, schema *arrow.Schema, recs []arrow.Record) string {
	tlsConfig, err := s.flightTLS()
	require.NoError(b, err)
	ln, err := net.Listen("tcp", net.JoinHostPort(Host, "0"))
	require.NoError(b, err)
	g := grpc.NewServer(grpc.Creds(credentials.NewTLS(tlsConfig)))
	flight.RegisterFlightServiceServer(g, &bareFlight{schema: schema, recs: recs})
	done := make(chan struct{})
	go func() {
		defer close(done)
		g.Serve(ln)
	}()
	b.Cleanup(func() {
		g.Stop()
		<-done
	})
	return ln.Addr().String()
}
