package hopsworkstest

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTLSVerification(t *testing.T) {
	s := start(t, Config{})
	key := s.NewAPIKey("fraud_user")
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(s.CACertPEM()))
	other := start(t, Config{})
	otherPool := x509.NewCertPool()
	require.True(t, otherPool.AppendCertsFromPEM(other.CACertPEM()))

	tests := []struct {
		name    string
		host    string
		roots   *x509.CertPool // nil: the system pool
		wantErr bool
	}{
		{"system roots", Host, nil, true},
		{"another server's CA", Host, otherPool, true},
		{"own CA, by IP", Host, pool, false},
		{"own CA, by localhost", "localhost", pool, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: tt.roots}}}
			defer c.CloseIdleConnections()
			url := "https://" + net.JoinHostPort(tt.host, strconv.Itoa(s.Port())) + APIPath + "/project/getProjectInfo/fraud"
			req, err := http.NewRequest(http.MethodGet, url, nil)
			require.NoError(t, err)
			req.Header.Set("Authorization", "ApiKey "+key)
			resp, err := c.Do(req)
			if tt.wantErr {
				require.Error(t, err)
				var unknown x509.UnknownAuthorityError
				assert.True(t, errors.As(err, &unknown), "want an unknown-authority error, got %v", err)
				return
			}
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, http.StatusOK, resp.StatusCode)
		})
	}
}

func TestCACertificate(t *testing.T) {
	s := start(t, Config{})
	block, rest := pem.Decode(s.CACertPEM())
	require.NotNil(t, block)
	assert.Empty(t, rest)
	ca, err := x509.ParseCertificate(block.Bytes)
	require.NoError(t, err)
	assert.True(t, ca.IsCA)
	// Each server has its own CA.
	assert.NotEqual(t, s.CACertPEM(), start(t, Config{}).CACertPEM())
	// CACertPEM returns a copy.
	got := s.CACertPEM()
	got[0] = 'X'
	assert.NotEqual(t, got, s.CACertPEM())
}

func TestCredentials(t *testing.T) {
	s := start(t, Config{})
	tests := []struct{ user, project string }{
		{"fraud_user", "fraud"},
		{"admin", "fraud"},
		{"admin", "bank"},
	}
	caPool := x509.NewCertPool()
	require.True(t, caPool.AppendCertsFromPEM(s.CACertPEM()))
	for _, tt := range tests {
		t.Run(tt.user+"@"+tt.project, func(t *testing.T) {
			key := s.NewAPIKey(tt.user)
			path := fmt.Sprintf("project/%d/credentials", projectID(t, s, key, tt.project))
			r := get(t, s, key, path)
			require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
			body := r.object(t)
			for _, k := range []string{"fileExtension", "kStore", "tStore", "password", "caChain", "clientCert", "clientKey"} {
				assert.Contains(t, body, k)
			}
			assert.Equal(t, "jks", body["fileExtension"])
			assert.NotEmpty(t, body["password"])
			for _, k := range []string{"kStore", "tStore"} {
				_, err := base64.StdEncoding.DecodeString(body[k].(string))
				assert.NoError(t, err, "%s is not base64", k)
			}
			assert.Equal(t, string(s.CACertPEM()), body["caChain"])

			pair, err := tls.X509KeyPair([]byte(body["clientCert"].(string)), []byte(body["clientKey"].(string)))
			require.NoError(t, err, "clientCert and clientKey do not match")
			require.Len(t, pair.Certificate, 2, "clientCert holds the certificate and the CA")
			leaf, err := x509.ParseCertificate(pair.Certificate[0])
			require.NoError(t, err)
			assert.Equal(t, tt.project+"__"+tt.user, leaf.Subject.CommonName)
			_, err = leaf.Verify(x509.VerifyOptions{Roots: caPool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
			assert.NoError(t, err)
			keyBlock, _ := pem.Decode([]byte(body["clientKey"].(string)))
			require.NotNil(t, keyBlock)
			assert.Equal(t, "PRIVATE KEY", keyBlock.Type, "the key is PKCS#8")

			// The backend keeps the material: a second call returns it again.
			assert.Equal(t, r.body, get(t, s, key, path).body)
		})
	}
	t.Run("distinct per project user", func(t *testing.T) {
		key := s.NewAPIKey("admin")
		a := get(t, s, key, fmt.Sprintf("project/%d/credentials", projectID(t, s, key, "fraud"))).object(t)
		b := get(t, s, key, fmt.Sprintf("project/%d/credentials", projectID(t, s, key, "bank"))).object(t)
		assert.NotEqual(t, a["clientCert"], b["clientCert"])
		assert.NotEqual(t, a["password"], b["password"])
	})
	t.Run("expired", func(t *testing.T) {
		s := start(t, Config{ExpiredCredentials: true})
		key := s.NewAPIKey("fraud_user")
		body := get(t, s, key, fmt.Sprintf("project/%d/credentials", projectID(t, s, key, "fraud"))).object(t)
		pair, err := tls.X509KeyPair([]byte(body["clientCert"].(string)), []byte(body["clientKey"].(string)))
		require.NoError(t, err)
		leaf, err := x509.ParseCertificate(pair.Certificate[0])
		require.NoError(t, err)
		assert.True(t, leaf.NotAfter.Before(time.Now()), "expired at %v", leaf.NotAfter)
		assert.True(t, leaf.NotBefore.Before(leaf.NotAfter))
		roots := x509.NewCertPool()
		require.True(t, roots.AppendCertsFromPEM(s.CACertPEM()))
		_, err = leaf.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
		var invalid x509.CertificateInvalidError
		require.ErrorAs(t, err, &invalid)
		assert.Equal(t, x509.Expired, invalid.Reason)
	})
	t.Run("non-member", func(t *testing.T) {
		key := s.NewAPIKey("bank_user")
		get(t, s, key, fmt.Sprintf("project/%d/credentials", projectID(t, s, s.NewAPIKey("admin"), "fraud"))).
			requireError(t, http.StatusForbidden, 160000)
	})
}
