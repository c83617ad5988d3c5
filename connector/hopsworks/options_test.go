package hopsworks

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testKey is an API key that must never show up in output.
const testKey = "AbCdEfGh12345678.s3cr3tKEYmaterial0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH"

func TestOptionsValidate(t *testing.T) {
	base := Options{Host: "c.hopsworks.ai", Project: "fraud", APIKeyValue: testKey}
	tests := []struct {
		name    string
		edit    func(*Options)
		wantErr string // substring; empty means valid
	}{
		{"valid", func(*Options) {}, ""},
		{"no host", func(o *Options) { o.Host = "" }, "no host given"},
		{"scheme", func(o *Options) { o.Host = "https://c.hopsworks.ai/x" }, `give the host name only, such as "c.hopsworks.ai"`},
		{"host with port", func(o *Options) { o.Host = "c.hopsworks.ai:8181" }, `give the host "c.hopsworks.ai" and the port 8181 separately`},
		{"path", func(o *Options) { o.Host = "c.hopsworks.ai/api" }, "is not a host name"},
		{"ipv6", func(o *Options) { o.Host = "::1" }, ""},
		{"ipv6 brackets", func(o *Options) { o.Host = "[::1]" }, ""},
		{"negative port", func(o *Options) { o.Port = -1 }, "port -1 is not between 1 and 65535"},
		{"huge port", func(o *Options) { o.Port = 70000 }, "port 70000"},
		{"no project", func(o *Options) { o.Project = " " }, "no project given"},
		{"unknown store", func(o *Options) { o.SecretsStore = "vault" }, `unknown secrets store "vault"`},
		{"local without file", func(o *Options) { o.APIKeyValue = ""; o.SecretsStore = "local" }, "no API key file"},
		{"local with file", func(o *Options) { o.APIKeyValue = ""; o.SecretsStore = "local"; o.APIKeyFile = "k" }, ""},
		{"no key", func(o *Options) { o.APIKeyValue = "" }, "no API key given"},
		{"file only", func(o *Options) { o.APIKeyValue = ""; o.APIKeyFile = "k" }, ""},
		{"parameter store only", func(o *Options) { o.APIKeyValue = ""; o.SecretsStore = "parameterstore" }, ""},
		{"secrets manager only", func(o *Options) { o.APIKeyValue = ""; o.SecretsStore = "secretsmanager" }, ""},
		{"negative timeout", func(o *Options) { o.RequestTimeout = -time.Second }, "request timeout -1s is negative"},
		{"negative Flight timeout", func(o *Options) { o.FlightTimeout = -time.Second }, "Flight timeout -1s is negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := base
			tt.edit(&o)
			_, err := o.validate()
			if tt.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.NotContains(t, err.Error(), testKey)
		})
	}
}

func TestOptionsValidateDefaults(t *testing.T) {
	o, err := Options{Host: "[::1]", Project: "fraud", APIKeyValue: testKey}.validate()
	require.NoError(t, err)
	assert.Equal(t, "::1", o.Host, "brackets are dropped; net.JoinHostPort adds them")
	assert.Equal(t, DefaultPort, o.Port)
	assert.Equal(t, DefaultRequestTimeout, o.RequestTimeout)
	assert.Equal(t, DefaultMetadataTTL, o.MetadataTTL)
	assert.Equal(t, DefaultFlightTimeout, o.FlightTimeout)
	assert.Equal(t, 900*time.Second, DefaultFlightTimeout, "the Hopsworks client's")

	o, err = Options{Host: "h", Port: 8181, Project: "p", APIKeyValue: testKey, RequestTimeout: time.Second, MetadataTTL: -1, FlightTimeout: time.Minute}.validate()
	require.NoError(t, err)
	assert.Equal(t, time.Minute, o.FlightTimeout)
	assert.Equal(t, 8181, o.Port)
	assert.Equal(t, time.Second, o.RequestTimeout)
	assert.Equal(t, time.Duration(-1), o.MetadataTTL, "a negative TTL (no cache) is kept")
}

// TestOptionsNeverPrintKey formats options every way fmt and encoding/json
// can and checks that the key never appears.
func TestOptionsNeverPrintKey(t *testing.T) {
	o := Options{Host: "h", Project: "p", APIKeyValue: testKey, APIKeyFile: "/keys/k"}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T %v"} {
		for _, arg := range []any{o, &o, []Options{o}, struct{ O Options }{o}} {
			out := fmt.Sprintf(verb, arg)
			assert.NotContains(t, out, testKey, "verb %s on %T", verb, arg)
			assert.NotContains(t, out, fmt.Sprintf("%x", testKey), "verb %s on %T", verb, arg)
		}
	}
	assert.Contains(t, o.String(), redacted, "String marks that a key is set")
	assert.Contains(t, o.String(), "/keys/k", "String shows the rest")
	data, err := json.Marshal(o)
	require.NoError(t, err)
	assert.NotContains(t, string(data), testKey)
	assert.Contains(t, string(data), "/keys/k")
}

func TestSecretNeverPrints(t *testing.T) {
	s := secret(testKey)
	type holder struct {
		Key  secret
		Name string
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%10.3s"} {
		for _, arg := range []any{s, &s, holder{s, "n"}, &holder{s, "n"}, []secret{s}, map[string]secret{"k": s}} {
			out := fmt.Sprintf(verb, arg)
			assert.NotContains(t, out, testKey, "verb %s on %T", verb, arg)
			assert.Contains(t, out, redacted, "verb %s on %T", verb, arg)
		}
	}
	data, err := json.Marshal(holder{s, "n"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"Key": "[REDACTED]", "Name": "n"}`, string(data))
}
