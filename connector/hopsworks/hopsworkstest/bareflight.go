package hopsworkstest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/flight"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
)

// bareFlight is a Flight server that streams the same records for any
// descriptor and ticket: the floor of a Flight read's cost.
type bareFlight struct {
	flight.BaseFlightServer
	schema *arrow.Schema
	recs   []arrow.Record
}

// GetFlightInfo points any descriptor at the one stream.
func (f *bareFlight) GetFlightInfo(context.Context, *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	return &flight.FlightInfo{
		Schema:   flight.SerializeSchema(f.schema, memory.DefaultAllocator),
		Endpoint: []*flight.FlightEndpoint{{Ticket: &flight.Ticket{Ticket: []byte("all")}}},
	}, nil
}

// DoGet streams the records.
func (f *bareFlight) DoGet(_ *flight.Ticket, stream flight.FlightService_DoGetServer) error {
	w := flight.NewRecordWriter(stream, ipc.WithSchema(f.schema))
	for _, r := range f.recs {
		if err := w.Write(r); err != nil {
			return err
		}
	}
	return w.Close()
}

// BareFlight serves recs over TLS (a throw-away self-signed certificate)
// on 127.0.0.1 from a bare Arrow Flight server, which streams them for any
// ticket, and returns a function that reads them all back once with a bare
// flight.Client, giving the rows read, and a function that stops the
// server. It is the floor a Flight read through the test server is
// measured against (bench/cmd/report, BenchmarkFlightRead).
func BareFlight(schema *arrow.Schema, recs []arrow.Record) (read func(context.Context) (int64, error), stop func(), err error) {
	cert, pool, err := selfSigned()
	if err != nil {
		return nil, nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, fmt.Errorf("bare flight: %w", err)
	}
	g := grpc.NewServer(grpc.Creds(credentials.NewTLS(&tls.Config{Certificates: []tls.Certificate{cert}})))
	flight.RegisterFlightServiceServer(g, &bareFlight{schema: schema, recs: recs})
	done := make(chan struct{})
	go func() {
		defer close(done)
		g.Serve(ln)
	}()
	client, err := flight.NewClientWithMiddleware(ln.Addr().String(), nil, nil,
		grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: pool, ServerName: "127.0.0.1"})))
	if err != nil {
		g.Stop()
		<-done
		return nil, nil, fmt.Errorf("bare flight: %w", err)
	}
	stop = func() {
		client.Close()
		g.Stop()
		<-done
	}
	read = func(ctx context.Context) (int64, error) {
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
	return read, stop, nil
}

// selfSigned makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned() (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("bare flight: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "hopsworkstest bare flight"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("bare flight: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("bare flight: %w", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool, nil
}
