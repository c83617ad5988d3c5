package hopsworks

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func testCredentials() *credentialsDTO {
	return &credentialsDTO{
		FileExtension: "jks",
		KStore:        base64.StdEncoding.EncodeToString([]byte("key store bytes\x00\x01")),
		TStore:        base64.StdEncoding.EncodeToString([]byte("trust store bytes")),
		Password:      "material-password",
		CAChain:       "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n",
		ClientCert:    "-----BEGIN CERTIFICATE-----\nCLIENT\n-----END CERTIFICATE-----\n",
		ClientKey:     "-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n",
	}
}

func TestMaterializeCerts(t *testing.T) {
	folder := filepath.Join(t.TempDir(), "new", "certs")
	cred := testCredentials()
	c, err := materializeCerts(folder, cred)
	require.NoError(t, err)

	fi, err := os.Stat(folder)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), fi.Mode().Perm(), "a missing cert folder is created private")
	assert.Equal(t, folder, filepath.Dir(c.dir))
	fi, err = os.Stat(c.dir)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), fi.Mode().Perm())

	kStore, _ := base64.StdEncoding.DecodeString(cred.KStore)
	tStore, _ := base64.StdEncoding.DecodeString(cred.TStore)
	want := map[string]string{
		keyStoreFile:   string(kStore),
		trustStoreFile: string(tStore),
		passwordFile:   string(cred.Password),
		caChainFile:    cred.CAChain,
		clientCertFile: cred.ClientCert,
		clientKeyFile:  cred.ClientKey,
	}
	entries, err := os.ReadDir(c.dir)
	require.NoError(t, err)
	assert.Len(t, entries, len(want))
	for name, content := range want {
		path := filepath.Join(c.dir, name)
		fi, err := os.Stat(path)
		require.NoError(t, err, name)
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), name)
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.Equal(t, content, string(data), name)
	}
	assert.Equal(t, []byte(cred.CAChain), c.caChain)
	assert.Equal(t, []byte(cred.ClientCert), c.clientCert)
	assert.Equal(t, secret(cred.ClientKey), c.clientKey)

	require.NoError(t, c.remove())
	_, err = os.Stat(c.dir)
	assert.True(t, os.IsNotExist(err), "the client's directory is gone")
	left, err := os.ReadDir(folder)
	require.NoError(t, err)
	assert.Empty(t, left, "the cert folder is left empty")
	require.NoError(t, c.remove(), "removing twice is fine")
}

// TestCertificatesJSON checks the certificates as the Query Service takes
// them: the stores in base64 and the password, under the keys of the
// backend's ArrowFlightCredentialDTO, and that they never print.
func TestCertificatesJSON(t *testing.T) {
	cred := testCredentials()
	cred.KStore = " " + cred.KStore + "\n" // as a backend may wrap it
	c, err := materializeCerts(t.TempDir(), cred)
	require.NoError(t, err)
	defer c.remove()
	j := c.certificatesJSON()
	var got map[string]string
	require.NoError(t, json.Unmarshal([]byte(j), &got))
	kStore, err := os.ReadFile(c.path(keyStoreFile))
	require.NoError(t, err)
	tStore, err := os.ReadFile(c.path(trustStoreFile))
	require.NoError(t, err)
	assert.Equal(t, map[string]string{
		"kstore":   base64.StdEncoding.EncodeToString(kStore),
		"tstore":   base64.StdEncoding.EncodeToString(tStore),
		"cert_key": string(cred.Password),
	}, got)
	for _, s := range []string{fmt.Sprint(j), fmt.Sprintf("%v %+v %#v %s %q", j, c, c, j, j)} {
		assert.NotContains(t, s, string(cred.Password))
		assert.NotContains(t, s, cred.ClientKey)
	}
	assert.Equal(t, "hopsworks certificates in "+c.dir, fmt.Sprintf("%#v", c))
}

func TestMaterializeCertsTwoClients(t *testing.T) {
	folder := t.TempDir()
	a, err := materializeCerts(folder, testCredentials())
	require.NoError(t, err)
	b, err := materializeCerts(folder, testCredentials())
	require.NoError(t, err)
	assert.NotEqual(t, a.dir, b.dir, "each client has a directory of its own")
	require.NoError(t, a.remove())
	_, err = os.Stat(filepath.Join(b.dir, clientKeyFile))
	assert.NoError(t, err, "closing one client leaves the other's files")
	require.NoError(t, b.remove())
}

func TestMaterializeCertsKeepsStrangers(t *testing.T) {
	c, err := materializeCerts(t.TempDir(), testCredentials())
	require.NoError(t, err)
	stranger := filepath.Join(c.dir, "mine.txt")
	require.NoError(t, os.WriteFile(stranger, []byte("x"), 0o600))
	err = c.remove()
	require.Error(t, err, "a directory holding other files is not removed")
	_, serr := os.Stat(stranger)
	assert.NoError(t, serr, "files the client did not write are kept")
	_, serr = os.Stat(filepath.Join(c.dir, clientKeyFile))
	assert.True(t, os.IsNotExist(serr), "the client's own files are removed anyway")
}

func TestMaterializeCertsBadBase64(t *testing.T) {
	folder := t.TempDir()
	for _, edit := range []func(*credentialsDTO){
		func(c *credentialsDTO) { c.KStore = "not base64!" },
		func(c *credentialsDTO) { c.TStore = "%%%" },
	} {
		cred := testCredentials()
		edit(cred)
		_, err := materializeCerts(folder, cred)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "not base64")
		left, err := os.ReadDir(folder)
		require.NoError(t, err)
		assert.Empty(t, left, "nothing is left behind")
	}
}
