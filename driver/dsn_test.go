package driver

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseDSN(t *testing.T) {
	def := func(c Config) *Config { c.HostnameVerification = true; return &c }
	tests := []struct {
		dsn  string
		want *Config
		part string // the DSNError.Part expected when want is nil
	}{
		{"file:///data/wh?project=fraud", def(Config{Warehouse: "/data/wh", Project: "fraud"}), ""},
		{"file://localhost/data/wh?project=fraud", def(Config{Warehouse: "/data/wh", Project: "fraud"}), ""},
		{"file:rel/wh?project=fraud", def(Config{Warehouse: "rel/wh", Project: "fraud"}), ""},
		{"file:///a%20b?project=p&memory_limit=512MiB&query_timeout=30s&connect_timeout=1m&join_pushdown=off",
			def(Config{Warehouse: "/a b", Project: "p", MemoryLimit: 512 << 20, QueryTimeout: 30 * time.Second, ConnectTimeout: time.Minute, JoinPushdown: JoinPushdownOff}), ""},
		{"file:///w?project=p&memory_limit=none", def(Config{Warehouse: "/w", Project: "p", MemoryLimit: -1}), ""},
		{"file:///w?project=p&memory_limit=4GB", def(Config{Warehouse: "/w", Project: "p", MemoryLimit: 4e9}), ""},
		{"demo:", def(Config{Demo: true}), ""},
		{"demo:?project=bank", def(Config{Demo: true, Project: "bank"}), ""},
		{"hopsworks://c.hopsworks.ai/fraud?api_key_file=%2Fk.txt", def(Config{Host: "c.hopsworks.ai", Project: "fraud", APIKeyFile: "/k.txt"}), ""},
		{"hopsworks://h:8181/p?api_key_value=s3cr%26t&secrets_store=secretsmanager&region=eu-north-1&hostname_verification=false&trust_store_path=%2Fts&cert_folder=%2Fcerts",
			&Config{Host: "h", Port: 8181, Project: "p", APIKeyValue: "s3cr&t", SecretsStore: "secretsmanager", Region: "eu-north-1", TrustStorePath: "/ts", CertFolder: "/certs", hostnameVerificationSet: true}, ""},
		{"hopsworks://[::1]:443", def(Config{Host: "::1", Port: 443}), ""},

		{"/data/wh", nil, "scheme"},
		{"mysql://x", nil, "scheme"},
		{"file:///w", nil, "option project"},
		{"file://", nil, "path"},
		{"file://otherhost/w?project=p", nil, "host"},
		{"file:///w?project=p#frag", nil, "fragment"},
		{"file:///w?project=p&memory_limit=lots", nil, "option memory_limit"},
		{"file:///w?project=p&memory_limit=-5", nil, "option memory_limit"},
		{"file:///w?project=p&query_timeout=soon", nil, "option query_timeout"},
		{"file:///w?project=p&join_pushdown=always", nil, "option join_pushdown"},
		{"file:///w?project=p&project=q", nil, `option "project"`},
		{"file:///w?project=p&colour=red", nil, `option "colour"`},
		{"file:///w?project=p&api_key_file=k", nil, "option api_key_file"},
		{"file:///w?project=bad-name", nil, "option project"},
		{"demo:x", nil, "path"},
		{"hopsworks:host", nil, "host"},
		{"hopsworks://h:99999/p", nil, "port"},
		{"hopsworks://h:/p", nil, "port"},
		{"hopsworks://u@h/p", nil, "host"},
		{"hopsworks://h/a/b", nil, "project"},
		{"hopsworks://h/p?project=q", nil, "option project"},
		{"hopsworks://h/p?secrets_store=vault", nil, "option secrets_store"},
		{"hopsworks://h/p?hostname_verification=maybe", nil, "option hostname_verification"},
		{"hopsworks://h/p?api_key_value=", nil, `option "api_key_value"`},
		{"hopsworks://h/p?api_key_value=%zz", nil, `option "api_key_value"`},
	}
	for _, tt := range tests {
		t.Run(tt.dsn, func(t *testing.T) {
			got, err := ParseDSN(tt.dsn)
			if tt.want == nil {
				var de *DSNError
				require.ErrorAs(t, err, &de)
				assert.Equal(t, tt.part, de.Part, "error: %v", err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			again, err := ParseDSN(got.FormatDSN())
			require.NoError(t, err, "DSN %s", got.FormatDSN())
			assert.Equal(t, got, again)
		})
	}
}

func TestFormatDSN(t *testing.T) {
	c := &Config{Warehouse: "/data/my wh", Project: "fraud", MemoryLimit: 1 << 30, HostnameVerification: true}
	assert.Equal(t, "file:///data/my%20wh?project=fraud&memory_limit=1GiB", c.FormatDSN())
	assert.Equal(t, "demo:?project=bank", (&Config{Demo: true, Project: "bank"}).FormatDSN())
	h := &Config{Host: "h", Port: 8181, Project: "p", APIKeyFile: "/k", HostnameVerification: true}
	assert.Equal(t, "hopsworks://h:8181/p?api_key_file=%2Fk", h.FormatDSN())
}

func TestSecretsNotShown(t *testing.T) {
	const secret = "TOPSECRET42"
	c, err := ParseDSN("hopsworks://h/p?api_key_value=" + secret)
	require.NoError(t, err)
	assert.Contains(t, c.FormatDSN(), secret)
	for _, s := range []string{c.String(), fmt.Sprint(c), fmt.Sprint(*c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), fmt.Sprintf("%#v", *c)} {
		assert.NotContains(t, s, secret)
	}
	assert.Contains(t, c.String(), "api_key_value=REDACTED")

	bad := []string{
		"hopsworks://h/p?api_key_value=" + secret + "&region=",
		"hopsworks://h/p?api_key_value=" + secret + "&api_key_value=" + secret,
		"hopsworks://h/p?api_key_value=" + secret + "%zz",
		"hopsworks://h/p?api_key_value=" + secret + "#x",
		"hopsworks://h:x/p?api_key_value=" + secret,
		"hopsworks://h/p?" + secret + "=1",
		"file:///w?project=p&api_key_value=" + secret,
	}
	for _, dsn := range bad {
		_, err := ParseDSN(dsn)
		require.Error(t, err, dsn)
		assert.NotContains(t, err.Error(), secret, dsn)
	}
	// A failed connection does not show the key either.
	c.Host, c.Port = "127.0.0.1", 1
	_, err = NewConnector(c)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "127.0.0.1:1")
	assert.NotContains(t, err.Error(), secret)
}

func FuzzParseDSN(f *testing.F) {
	for _, s := range []string{
		"file:///data/wh?project=fraud", "file:rel?project=p&memory_limit=1GiB", "demo:", "demo:?project=bank",
		"hopsworks://h:8181/p?api_key_value=x&hostname_verification=false", "hopsworks://[::1]/p",
		"file:///a%2Fb?project=p&query_timeout=1h", "file:////x?project=p",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, dsn string) {
		c, err := ParseDSN(dsn)
		if err != nil {
			if c != nil {
				t.Fatalf("config and error")
			}
			return
		}
		out := c.FormatDSN()
		again, err := ParseDSN(out)
		if err != nil {
			t.Fatalf("ParseDSN(%q) = %v; FormatDSN gave %q which fails: %v", dsn, c, out, err)
		}
		if *again != *c {
			t.Fatalf("round trip of %q via %q: %#v != %#v", dsn, out, again, c)
		}
		if len(c.APIKeyValue) > 8 && strings.Contains(c.String(), url.QueryEscape(c.APIKeyValue)) {
			t.Fatalf("String shows the key: %s", c)
		}
	})
}
