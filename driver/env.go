package driver

import (
	"strconv"
	"strings"
)

// The environment variables of the Hopsworks client that hopsql reads.
const (
	EnvHost                 = "HOPSWORKS_HOST"
	EnvPort                 = "HOPSWORKS_PORT"
	EnvProject              = "HOPSWORKS_PROJECT"
	EnvAPIKey               = "HOPSWORKS_API_KEY"
	EnvHostnameVerification = "HOPSWORKS_HOSTNAME_VERIFICATION"
	EnvTrustStorePath       = "HOPSWORKS_TRUST_STORE_PATH"
	EnvCertFolder           = "HOPSWORKS_CERT_FOLDER"
)

// ConfigFromEnv returns the Config of a Hopsworks connection described by
// the HOPSWORKS_* environment variables, read with getenv (os.Getenv in
// programs). HOPSWORKS_HOST is required. sql.Open("hopsql", "") uses it.
func ConfigFromEnv(getenv func(string) string) (*Config, error) {
	host := strings.TrimSpace(getenv(EnvHost))
	if host == "" {
		return nil, dsnErr("environment", "the DSN is empty and %s is not set; give a DSN (file:, demo: or hopsworks://) or set %s, %s and %s", EnvHost, EnvHost, EnvProject, EnvAPIKey)
	}
	c := NewConfig()
	if err := parseHopsworks(c, "//"+host); err != nil {
		return nil, envErr(EnvHost, err)
	}
	if err := c.ApplyEnv(getenv); err != nil {
		return nil, err
	}
	return c, nil
}

// ApplyEnv fills the Hopsworks settings of a hopsworks config that its DSN
// left unset from the HOPSWORKS_* environment variables, read with getenv:
// the port, the project, the API key (only when no api_key_value,
// api_key_file or secrets_store is given), hostname verification, the
// trust store and the certificate folder. What the DSN says always wins.
// Configs of the embedded store are left alone. sql.Open applies it to
// every hopsworks:// DSN; NewConnector does not read the environment.
func (c *Config) ApplyEnv(getenv func(string) string) error {
	if c.Host == "" {
		return nil
	}
	if v := strings.TrimSpace(getenv(EnvPort)); v != "" && c.Port == 0 {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 65535 || v[0] == '+' {
			return dsnErr("environment "+EnvPort, "%q is not a port number (1-65535)", v)
		}
		c.Port = n
	}
	if v := strings.TrimSpace(getenv(EnvProject)); v != "" && c.Project == "" {
		if !validProject(v) {
			return dsnErr("environment "+EnvProject, "%q is not a project name (letters, digits and _)", v)
		}
		c.Project = v
	}
	if v := strings.TrimSpace(getenv(EnvAPIKey)); v != "" && c.APIKeyValue == "" && c.APIKeyFile == "" && c.SecretsStore == "" {
		c.APIKeyValue = v
	}
	if v := strings.TrimSpace(getenv(EnvHostnameVerification)); v != "" && !c.hostnameVerificationSet {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return dsnErr("environment "+EnvHostnameVerification, "%q is not true or false", v)
		}
		c.HostnameVerification = b
	}
	if v := getenv(EnvTrustStorePath); v != "" && c.TrustStorePath == "" {
		c.TrustStorePath = v
	}
	if v := getenv(EnvCertFolder); v != "" && c.CertFolder == "" {
		c.CertFolder = v
	}
	return nil
}

// envErr turns a DSN error about a value read from a variable into one that
// names the variable.
func envErr(name string, err error) error {
	if de, ok := err.(*DSNError); ok {
		return &DSNError{Part: "environment " + name, Msg: de.Msg}
	}
	return err
}
