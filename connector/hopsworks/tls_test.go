package hopsworks

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testCA is a certificate authority for TLS tests.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

func newTestCA(t *testing.T, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	return &testCA{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// serverCert issues a server certificate for the given DNS names and IPs.
func (ca *testCA) serverCert(t *testing.T, dns []string, ips []net.IP) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "server"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     dns,
		IPAddresses:  ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	require.NoError(t, err)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func (ca *testCA) file(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "truststore.pem")
	require.NoError(t, os.WriteFile(path, ca.pem, 0o600))
	return path
}

// TestRESTTLS connects to a server whose certificate names only
// "hopsworks.invalid" (so that no connection by address matches it) under
// each verification setting.
func TestRESTTLS(t *testing.T) {
	ca := newTestCA(t, "hopsworks test CA")
	other := newTestCA(t, "another CA")
	var handshakes atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{}`)
	}))
	srv.TLS = &tls.Config{
		Certificates: []tls.Certificate{ca.serverCert(t, []string{"hopsworks.invalid"}, nil)},
		GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
			handshakes.Add(1)
			return nil, nil
		},
	}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // rejected handshakes are expected
	srv.StartTLS()
	defer srv.Close()
	addr := srv.Listener.Addr().(*net.TCPAddr)

	tests := []struct {
		name      string
		verify    bool
		trust     string
		serverSNI string // "": connect by address
		wantErr   string
	}{
		{"verification fails for an unknown CA", true, "", "hopsworks.invalid", "certificate signed by unknown authority"},
		{"verification fails for the wrong name", true, ca.file(t), "", "cannot validate certificate for 127.0.0.1"},
		{"verification passes with trust store and name", true, ca.file(t), "hopsworks.invalid", ""},
		{"no verification at all without trust store", false, "", "", ""},
		{"chain still verified with a trust store", false, ca.file(t), "", ""},
		{"a trust store of another CA fails", false, other.file(t), "", "certificate signed by unknown authority"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := Options{
				Host: "127.0.0.1", Port: addr.Port, Project: "p", APIKeyValue: testKey,
				HostnameVerification: tt.verify, TrustStorePath: tt.trust,
			}
			o, err := o.validate()
			require.NoError(t, err)
			c, err := newClient(o, secret(testKey))
			require.NoError(t, err)
			defer c.http.CloseIdleConnections()
			if tt.serverSNI != "" {
				c.http.Transport.(*http.Transport).TLSClientConfig.ServerName = tt.serverSNI
			}
			before := handshakes.Load()
			err = c.get(context.Background(), nil, nil, "x")
			if tt.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.EqualValues(t, 1, handshakes.Load()-before, "certificate failures are not retried")
		})
	}
}

func TestTrustStoreErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.pem")
	_, err := restTLSConfig(Options{TrustStorePath: missing}, t.Logf)
	require.Error(t, err)
	assert.Contains(t, err.Error(), missing)

	jks := filepath.Join(t.TempDir(), "truststore.jks")
	require.NoError(t, os.WriteFile(jks, []byte{0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2}, 0o600))
	_, err = restTLSConfig(Options{TrustStorePath: jks}, t.Logf)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "holds no PEM certificate")
}

func TestTLSConfigDefaults(t *testing.T) {
	cfg, err := restTLSConfig(Options{HostnameVerification: true}, t.Logf)
	require.NoError(t, err)
	assert.False(t, cfg.InsecureSkipVerify, "verification is on by default")
	assert.Nil(t, cfg.VerifyConnection)
	assert.GreaterOrEqual(t, cfg.MinVersion, uint16(tls.VersionTLS12))
}
