package driver

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestConfigFromEnv(t *testing.T) {
	c, err := ConfigFromEnv(env(map[string]string{
		EnvHost: "c.app.hopsworks.ai", EnvPort: "8181", EnvProject: "fraud", EnvAPIKey: "key-from-env",
		EnvTrustStorePath: "/etc/ts.pem", EnvCertFolder: "/tmp/certs",
	}))
	require.NoError(t, err)
	assert.Equal(t, "c.app.hopsworks.ai", c.Host)
	assert.Equal(t, 8181, c.Port)
	assert.Equal(t, "fraud", c.Project)
	assert.Equal(t, "key-from-env", c.APIKeyValue)
	assert.True(t, c.HostnameVerification, "verification stays on unless turned off")
	assert.Equal(t, "/etc/ts.pem", c.TrustStorePath)
	assert.Equal(t, "/tmp/certs", c.CertFolder)
	assert.NotContains(t, c.String(), "key-from-env")

	_, err = ConfigFromEnv(env(nil))
	var de *DSNError
	require.ErrorAs(t, err, &de)
	assert.Contains(t, err.Error(), EnvHost)

	for _, tc := range []struct {
		vars map[string]string
		part string
	}{
		{map[string]string{EnvHost: "bad host"}, "environment " + EnvHost},
		{map[string]string{EnvHost: "h", EnvPort: "0"}, "environment " + EnvPort},
		{map[string]string{EnvHost: "h", EnvProject: "no-dashes"}, "environment " + EnvProject},
		{map[string]string{EnvHost: "h", EnvHostnameVerification: "perhaps"}, "environment " + EnvHostnameVerification},
	} {
		_, err := ConfigFromEnv(env(tc.vars))
		require.ErrorAs(t, err, &de, "%v", tc.vars)
		assert.Equal(t, tc.part, de.Part)
	}
}

func TestApplyEnvDSNWins(t *testing.T) {
	vars := env(map[string]string{
		EnvPort: "9999", EnvProject: "other", EnvAPIKey: "env-key",
		EnvHostnameVerification: "false", EnvTrustStorePath: "/env/ts", EnvCertFolder: "/env/certs",
	})
	c, err := ParseDSN("hopsworks://h:443/fraud?api_key_file=%2Fk&hostname_verification=true&trust_store_path=%2Fdsn%2Fts")
	require.NoError(t, err)
	require.NoError(t, c.ApplyEnv(vars))
	assert.Equal(t, 443, c.Port)
	assert.Equal(t, "fraud", c.Project)
	assert.Empty(t, c.APIKeyValue, "a DSN with api_key_file takes no key from the environment")
	assert.True(t, c.HostnameVerification, "the DSN said true")
	assert.Equal(t, "/dsn/ts", c.TrustStorePath)
	assert.Equal(t, "/env/certs", c.CertFolder)

	// What the DSN leaves out comes from the environment.
	c, err = ParseDSN("hopsworks://h")
	require.NoError(t, err)
	require.NoError(t, c.ApplyEnv(vars))
	assert.Equal(t, 9999, c.Port)
	assert.Equal(t, "other", c.Project)
	assert.Equal(t, "env-key", c.APIKeyValue)
	assert.False(t, c.HostnameVerification)

	// The embedded store ignores the Hopsworks variables.
	c, err = ParseDSN("file:///w?project=p")
	require.NoError(t, err)
	require.NoError(t, c.ApplyEnv(vars))
	assert.Equal(t, &Config{Warehouse: "/w", Project: "p", HostnameVerification: true}, c)
}

func TestOpenEmptyDSNUsesTheEnvironment(t *testing.T) {
	t.Setenv(EnvHost, "")
	_, err := (&Driver{}).OpenConnector("")
	var de *DSNError
	require.ErrorAs(t, err, &de)

	t.Setenv(EnvHost, "127.0.0.1")
	t.Setenv(EnvPort, "1")
	t.Setenv(EnvProject, "fraud")
	t.Setenv(EnvAPIKey, "very-secret-key")
	_, err = (&Driver{}).OpenConnector("")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "connecting to hopsworks://127.0.0.1:1/fraud?api_key_value=REDACTED", "the environment made the connection")
	assert.NotContains(t, err.Error(), "very-secret-key")
}
