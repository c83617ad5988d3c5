package hopsworks

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
)

// restTLSConfig returns the TLS configuration of the REST connection.
//
// With HostnameVerification (the default) the server's chain is verified
// against the system's roots plus the CAs of TrustStorePath, and its name
// against Host: standard TLS verification.
//
// Without it, the Hopsworks client verifies nothing at all, and neither
// does this one unless TrustStorePath is set: the connection is encrypted
// but a machine in the middle could impersonate the cluster (and would see
// the API key). With TrustStorePath set, the chain is still verified
// against the system's roots plus the trust store, and only the name check
// is skipped, which is what a cluster whose certificate names another host
// (an internal name behind a load balancer, say) needs.
func restTLSConfig(o Options, logf func(string, ...any)) (*tls.Config, error) {
	roots, err := x509.SystemCertPool()
	if err != nil {
		roots = x509.NewCertPool()
	}
	if o.TrustStorePath != "" {
		pem, err := os.ReadFile(o.TrustStorePath)
		if err != nil {
			return nil, fmt.Errorf("hopsworks: reading the trust store: %w", err)
		}
		if !roots.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("hopsworks: trust store %s holds no PEM certificate; it must be a PEM bundle of CA certificates (convert a JKS trust store with keytool -exportcert -rfc)", o.TrustStorePath)
		}
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: roots}
	if o.HostnameVerification {
		return cfg, nil
	}
	cfg.InsecureSkipVerify = true
	if o.TrustStorePath == "" {
		logf("hopsworks: hostname verification is off and no trust store is given: the certificate of %s is not verified", o.Host)
		return cfg, nil
	}
	cfg.VerifyConnection = func(cs tls.ConnectionState) error {
		return verifyChain(cs.PeerCertificates, roots)
	}
	return cfg, nil
}

// verifyChain verifies that the certificate chain a server presented leads
// to one of roots, without checking the server's name.
func verifyChain(chain []*x509.Certificate, roots *x509.CertPool) error {
	if len(chain) == 0 {
		return errors.New("hopsworks: the server presented no certificate")
	}
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	_, err := chain[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter})
	if err != nil {
		return fmt.Errorf("hopsworks: verifying the server certificate against the trust store (hostname verification is off): %w", err)
	}
	return nil
}
