package hopsworkstest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"time"
)

// authority is the server's own certificate authority. It signs the REST
// server certificate, the Flight server certificate and the project user
// certificates handed out by /credentials, as the Hopsworks CA does.
type authority struct {
	cert    *x509.Certificate
	key     *ecdsa.PrivateKey
	certPEM []byte
}

// certValidity is how long the certificates the authority issues are
// valid; they start an hour in the past to tolerate clock skew.
const certValidity = 10 * 365 * 24 * time.Hour

// newAuthority generates a CA with a fresh ECDSA P-256 key.
func newAuthority() (*authority, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("hopsworkstest: generating CA key: %w", err)
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{Organization: []string{"hopsql"}, CommonName: "hopsworkstest CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(certValidity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("hopsworkstest: creating CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("hopsworkstest: parsing CA certificate: %w", err)
	}
	return &authority{cert: cert, key: key, certPEM: pemBlock("CERTIFICATE", der)}, nil
}

// issued is a certificate signed by the authority, with its key.
type issued struct {
	certPEM []byte // the certificate followed by the CA certificate
	keyPEM  []byte // PKCS#8, unencrypted
	tls     tls.Certificate
}

// issue signs a certificate for commonName. A server certificate is valid
// for the given DNS names and IP addresses; a client certificate
// (server false) is for client authentication.
func (a *authority) issue(commonName string, server bool, dnsNames []string, ips []net.IP) (*issued, error) {
	return a.issueUntil(commonName, server, dnsNames, ips, time.Now().Add(certValidity))
}

// issueUntil is issue with a certificate valid until notAfter, from a
// day before or an hour ago, whichever is earlier.
func (a *authority) issueUntil(commonName string, server bool, dnsNames []string, ips []net.IP, notAfter time.Time) (*issued, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("hopsworkstest: generating key for %s: %w", commonName, err)
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	notBefore := time.Now().Add(-time.Hour)
	if day := notAfter.Add(-24 * time.Hour); day.Before(notBefore) {
		notBefore = day
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{Organization: []string{"hopsql"}, CommonName: commonName},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		DNSNames:     dnsNames,
		IPAddresses:  ips,
	}
	if server {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	} else {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.cert, &key.PublicKey, a.key)
	if err != nil {
		return nil, fmt.Errorf("hopsworkstest: creating certificate for %s: %w", commonName, err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("hopsworkstest: encoding key for %s: %w", commonName, err)
	}
	certPEM := append(pemBlock("CERTIFICATE", der), a.certPEM...)
	keyPEM := pemBlock("PRIVATE KEY", pkcs8)
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("hopsworkstest: loading certificate for %s: %w", commonName, err)
	}
	return &issued{certPEM: certPEM, keyPEM: keyPEM, tls: pair}, nil
}

// pool returns a certificate pool holding only the authority.
func (a *authority) pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(a.cert)
	return p
}

func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

func randomSerial() (*big.Int, error) {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, fmt.Errorf("hopsworkstest: generating serial number: %w", err)
	}
	return n, nil
}
