package hopsworks

import (
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Names of the files the Hopsworks client materialises from the project's
// credentials (GET /project/{id}/credentials), kept for compatibility with
// tools that look for them.
const (
	keyStoreFile   = "keyStore.jks"    // base64-decoded kStore
	trustStoreFile = "trustStore.jks"  // base64-decoded tStore
	passwordFile   = "material_passwd" // password of both stores and the key
	caChainFile    = "ca_chain.pem"    // CA certificates of the cluster
	clientCertFile = "client_cert.pem" // the project user's certificate chain
	clientKeyFile  = "client_key.pem"  // its private key, PKCS#8
	certDirPattern = "hopsql-certs-"   // prefix of a client's own directory
	certFileMode   = 0o600             // mode of the files
	certDirMode    = 0o700             // mode of the directories
)

// certFiles is the materialised credentials of a connected client: a
// directory of its own holding the six files, and the PEM material the
// Arrow Flight client needs.
type certFiles struct {
	dir string // the client's directory, removed by remove

	caChain    []byte
	clientCert []byte
	clientKey  secret // PEM, kept as a secret so it never prints

	// The key and trust stores (JKS, base64) and their password, which
	// Query Services take as JSON (see certificatesJSON).
	kStore, tStore string
	password       secret
}

// Format prints the directory only, whatever the verb: fmt would print
// the unexported secret fields as they are.
func (c *certFiles) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "hopsworks certificates in %s", c.dir)
}

// path returns the path of one of the files.
func (c *certFiles) path(name string) string { return filepath.Join(c.dir, name) }

// materializeCerts writes the credentials into a new directory inside
// folder (os.TempDir() if empty), which it creates with mode 0700 if
// needed. The files get mode 0600. On error nothing is left behind.
func materializeCerts(folder string, cred *credentialsDTO) (*certFiles, error) {
	kStore, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cred.KStore))
	if err != nil {
		return nil, errors.New("hopsworks: the project's credentials hold a key store (kStore) that is not base64")
	}
	tStore, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cred.TStore))
	if err != nil {
		return nil, errors.New("hopsworks: the project's credentials hold a trust store (tStore) that is not base64")
	}
	if folder == "" {
		folder = os.TempDir()
	}
	if err := os.MkdirAll(folder, certDirMode); err != nil {
		return nil, fmt.Errorf("hopsworks: creating the certificate folder: %w", err)
	}
	dir, err := os.MkdirTemp(folder, certDirPattern)
	if err != nil {
		return nil, fmt.Errorf("hopsworks: creating the certificate folder: %w", err)
	}
	// MkdirTemp creates 0700 already; say so explicitly in case a future
	// Go changes its mind.
	if err := os.Chmod(dir, certDirMode); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("hopsworks: securing the certificate folder: %w", err)
	}
	c := &certFiles{
		dir:        dir,
		caChain:    []byte(cred.CAChain),
		clientCert: []byte(cred.ClientCert),
		clientKey:  secret(cred.ClientKey),
		kStore:     base64.StdEncoding.EncodeToString(kStore),
		tStore:     base64.StdEncoding.EncodeToString(tStore),
		password:   cred.Password,
	}
	files := []struct {
		name string
		data []byte
	}{
		{keyStoreFile, kStore},
		{trustStoreFile, tStore},
		{passwordFile, []byte(cred.Password)},
		{caChainFile, c.caChain},
		{clientCertFile, c.clientCert},
		{clientKeyFile, []byte(cred.ClientKey)},
	}
	for _, f := range files {
		if err := writePrivateFile(c.path(f.name), f.data); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	return c, nil
}

// writePrivateFile creates the file at path, readable and writable by its
// owner only, and writes data to it.
func writePrivateFile(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, certFileMode)
	if err != nil {
		return fmt.Errorf("hopsworks: writing certificate: %w", err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("hopsworks: writing certificate %s: %w", path, err)
	}
	return nil
}

// remove deletes the six files and the client's directory. It fails if the
// directory holds anything else, which it then leaves in place.
func (c *certFiles) remove() error {
	var errs []error
	for _, name := range [...]string{keyStoreFile, trustStoreFile, passwordFile, caChainFile, clientCertFile, clientKeyFile} {
		if err := os.Remove(c.path(name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	if err := os.Remove(c.dir); err != nil && !errors.Is(err, os.ErrNotExist) {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("hopsworks: removing certificates: %w", err)
	}
	return nil
}
