package hopsworks_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"database/sql"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/flight"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	"github.com/hopsql/hopsql/connector"
	"github.com/hopsql/hopsql/connector/hopsworks"
	"github.com/hopsql/hopsql/connector/hopsworks/hopsworkstest"
	"github.com/hopsql/hopsql/connector/local/demo"
	"github.com/hopsql/hopsql/driver"
)

// BenchmarkFlightRead measures what the bench report's Flight figure
// measures (bench/cmd/report/hopsworks.go): SELECT * FROM transactions_1
// read from the Hopsworks test server through a hopsworks:// DSN with
// driver.QueryArrow ("driver"), against a bare Arrow Flight round trip
// ("bare": an in-process Flight server over TLS streaming, for any ticket,
// the batches the driver yields, read back with a bare flight.Client) in
// the same run. Two more sub-benchmarks break the figure down: the same
// rows through the connector alone ("connector": Client.PlanScan and its
// partition, without planner and engine), and the query run over the
// embedded store directly through a file:// DSN ("local": what the test
// server executes for each read, without Flight).
//
// Each sub-benchmark reports rows/s and, where it is measured, the CPU
// time of the whole process (client and servers) per read; the report's
// ratio is bare ns/op over driver ns/op. The demo store has 100,000
// transactions per scale unit; HOPSQL_BENCH_SCALE sets the scale (default
// 2), and HOPSQL_BENCH_DEMO, if set, names a directory that holds a demo
// store generated at that scale (by an earlier run, which writes it there
// when it is empty), so that a CPU profile shows the reads alone.
//
//	go test -run '^$' -bench FlightRead -benchtime 5x ./connector/hopsworks/
func BenchmarkFlightRead(b *testing.B) {
	ctx := context.Background()
	scale := 2
	if v := os.Getenv("HOPSQL_BENCH_SCALE"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(b, err, "HOPSQL_BENCH_SCALE")
		scale = n
	}
	dir := os.Getenv("HOPSQL_BENCH_DEMO")
	if dir == "" {
		dir = filepath.Join(b.TempDir(), "demo")
	}
	if _, err := os.Stat(filepath.Join(dir, "fraud")); err != nil {
		require.NoError(b, demo.Generate(ctx, dir, scale))
	}
	srv, err := hopsworkstest.Start(ctx, hopsworkstest.Config{Warehouse: dir})
	require.NoError(b, err)
	defer srv.Close()
	ca := filepath.Join(b.TempDir(), "ca.pem")
	require.NoError(b, os.WriteFile(ca, srv.CACertPEM(), 0o600))
	certs := b.TempDir()
	key := srv.NewAPIKey("fraud_user")
	q := url.Values{"api_key_value": {key}, "trust_store_path": {ca}, "cert_folder": {certs}}
	db, err := sql.Open("hopsql", fmt.Sprintf("hopsworks://%s:%d/fraud?%s", srv.Host(), srv.Port(), q.Encode()))
	require.NoError(b, err)
	defer db.Close()
	conn, err := db.Conn(ctx)
	require.NoError(b, err)
	defer conn.Close()
	const query = "SELECT * FROM transactions_1"

	// The bare server streams the batches the driver yields.
	schema, recs := driverRecords(b, ctx, conn, query)
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	rows := int64(0)
	for _, r := range recs {
		rows += r.NumRows()
	}
	read := bareFlight(b, schema, recs)

	b.Run(fmt.Sprintf("driver/rows=%d", rows), func(b *testing.B) {
		defer reportCPU(b, processCPU())
		for i := 0; i < b.N; i++ {
			rr, err := driver.QueryArrow(ctx, conn, query)
			require.NoError(b, err)
			n := int64(0)
			for rr.Next() {
				n += rr.Record().NumRows()
			}
			require.NoError(b, rr.Err())
			rr.Release()
			require.Equal(b, rows, n)
		}
		b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run(fmt.Sprintf("connector/rows=%d", rows), func(b *testing.B) {
		benchConnectorScan(b, srv, ca, key, rows)
	})
	b.Run(fmt.Sprintf("local/rows=%d", rows), func(b *testing.B) {
		benchLocal(b, dir, query, rows)
	})
	b.Run(fmt.Sprintf("bare/rows=%d", rows), func(b *testing.B) {
		defer reportCPU(b, processCPU())
		for i := 0; i < b.N; i++ {
			n, err := read(ctx)
			require.NoError(b, err)
			require.Equal(b, rows, n)
		}
		b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}

// benchLocal runs query over the embedded store in dir through the driver
// (a file:// DSN): what the test server executes for each read, without
// Flight.
func benchLocal(b *testing.B, dir, query string, rows int64) {
	ctx := context.Background()
	abs, err := filepath.Abs(dir)
	require.NoError(b, err)
	db, err := sql.Open("hopsql", "file://"+abs+"?project=fraud")
	require.NoError(b, err)
	defer db.Close()
	conn, err := db.Conn(ctx)
	require.NoError(b, err)
	defer conn.Close()
	b.ResetTimer()
	defer reportCPU(b, processCPU())
	for i := 0; i < b.N; i++ {
		rr, err := driver.QueryArrow(ctx, conn, query)
		require.NoError(b, err)
		n := int64(0)
		for rr.Next() {
			n += rr.Record().NumRows()
		}
		require.NoError(b, rr.Err())
		rr.Release()
		require.Equal(b, rows, n)
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// reportCPU reports the process's CPU time per operation since start, in
// milliseconds, where it is measured.
func reportCPU(b *testing.B, start time.Duration) {
	if now := processCPU(); now > 0 {
		b.ReportMetric(float64(now-start)/float64(b.N)/1e6, "cpu-ms/op")
	}
}

// driverRecords runs query through the driver's Arrow API and returns its
// schema and batches, retained.
func driverRecords(b *testing.B, ctx context.Context, conn *sql.Conn, query string) (*arrow.Schema, []arrow.Record) {
	rr, err := driver.QueryArrow(ctx, conn, query)
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

// benchConnectorScan reads every transaction through the connector alone:
// the query constructor call and the Flight stream of its one partition.
func benchConnectorScan(b *testing.B, srv *hopsworkstest.Server, ca, key string, rows int64) {
	ctx := context.Background()
	c, err := hopsworks.Connect(ctx, hopsworks.Options{
		Host: srv.Host(), Port: srv.Port(), Project: "fraud", APIKeyValue: key,
		HostnameVerification: true, TrustStorePath: ca, CertFolder: b.TempDir(),
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
	defer reportCPU(b, processCPU())
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

// bareServer is a Flight server that streams the same records for any
// ticket: the floor of a Flight read's cost.
type bareServer struct {
	flight.BaseFlightServer
	schema *arrow.Schema
	recs   []arrow.Record
}

func (f *bareServer) DoGet(_ *flight.Ticket, stream flight.FlightService_DoGetServer) error {
	w := flight.NewRecordWriter(stream, ipc.WithSchema(f.schema))
	for _, r := range f.recs {
		if err := w.Write(r); err != nil {
			return err
		}
	}
	return w.Close()
}

// bareFlight serves recs over TLS on loopback, as the bench report's bare
// round trip does, and returns a function that reads them all back once
// with a bare flight.Client, giving the rows read.
func bareFlight(b *testing.B, schema *arrow.Schema, recs []arrow.Record) func(context.Context) (int64, error) {
	cert, pool := selfSigned(b)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(b, err)
	g := grpc.NewServer(grpc.Creds(credentials.NewTLS(&tls.Config{Certificates: []tls.Certificate{cert}})))
	flight.RegisterFlightServiceServer(g, &bareServer{schema: schema, recs: recs})
	done := make(chan struct{})
	go func() {
		defer close(done)
		g.Serve(ln)
	}()
	client, err := flight.NewClientWithMiddleware(ln.Addr().String(), nil, nil,
		grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: pool, ServerName: "127.0.0.1"})))
	require.NoError(b, err)
	b.Cleanup(func() {
		client.Close()
		g.Stop()
		<-done
	})
	return func(ctx context.Context) (int64, error) {
		stream, err := client.DoGet(ctx, &flight.Ticket{Ticket: []byte("all")})
		if err != nil {
			return 0, err
		}
		rr, err := flight.NewRecordReader(stream, ipc.WithAllocator(memory.DefaultAllocator))
		if err != nil {
			return 0, err
		}
		defer rr.Release()
		var rows int64
		for rr.Next() {
			rows += rr.Record().NumRows()
		}
		return rows, rr.Err()
	}
}

// selfSigned makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(b *testing.B) (tls.Certificate, *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(b, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "bench"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(b, err)
	leaf, err := x509.ParseCertificate(der)
	require.NoError(b, err)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}
