package hopsworkstest

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAuthenticationHeader(t *testing.T) {
	s := start(t, Config{})
	key := s.NewAPIKey("fraud_user")
	prefix, secret, ok := strings.Cut(key, ".")
	require.True(t, ok, "key %q has no dot", key)
	wrongSecret := prefix + "." + strings.Repeat("x", len(secret))

	tests := []struct {
		name   string
		header string // "" sends no Authorization header
		status int
		code   int
		msg    string
	}{
		{"no header", "", 401, 200003, "Authorization header not set."},
		{"bearer token", "Bearer abc.def", 401, 200003, "Authorization method not supported."},
		{"basic auth", "Basic Zm9vOmJhcg==", 401, 200003, "Invalidated Api key."},
		{"lower-case scheme", "apikey " + key, 401, 200003, "Invalidated Api key."},
		{"no dot", "ApiKey " + prefix + secret, 401, 320012, "Invalid or incorrect API key."},
		{"unknown prefix", "ApiKey ZZZZZZZZZZZZZZZZ." + secret, 401, 320013, "API key not found in the database"},
		{"wrong secret", "ApiKey " + wrongSecret, 401, 320012, "Invalid or incorrect API key."},
		{"valid, padded", "ApiKey   " + key + "  ", 200, 0, ""},
		{"valid", "ApiKey " + key, 200, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, s.URL()+APIPath+"/project/getProjectInfo/fraud", nil)
			require.NoError(t, err)
			if tt.header != "" {
				req.Header.Set("Authorization", tt.header)
			}
			resp, err := client(t, s).Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			r := response{status: resp.StatusCode, body: b}
			if tt.status == 200 {
				require.Equal(t, 200, r.status, "body: %s", b)
				assert.Equal(t, "fraud", r.object(t)["projectName"])
				return
			}
			body := r.requireError(t, tt.status, tt.code)
			assert.Equal(t, tt.msg, body["errorMsg"])
			assert.NotEmpty(t, resp.Header.Get("WWW-Authenticate"), "a 401 carries WWW-Authenticate")
			assert.NotContains(t, string(b), secret, "the error body echoes the key")
		})
	}
}

func TestScopes(t *testing.T) {
	s := start(t, Config{})
	full := s.NewAPIKey("fraud_user")
	pid := projectID(t, s, full, "fraud")
	fsid := storeID(t, s, full, pid, "fraud_featurestore")

	endpoints := []struct {
		name, method, path string
		body               any
		accepted           []string
	}{
		{"project info", "GET", "project/getProjectInfo/fraud", nil, []string{ScopeProject}},
		{"project list", "GET", "project", nil, []string{ScopeProject}},
		{"credentials", "GET", fmt.Sprintf("project/%d/credentials", pid), nil, []string{ScopeProject}},
		{"variable", "GET", "variables/enable_flyingduck", nil, []string{ScopeProject}},
		{"store list", "GET", fmt.Sprintf("project/%d/featurestores", pid), nil, []string{ScopeFeatureStore, ScopeKafka}},
		{"store", "GET", fmt.Sprintf("project/%d/featurestores/%d", pid, fsid), nil, []string{ScopeFeatureStore}},
		{"groups", "GET", fmt.Sprintf("project/%d/featurestores/%d/featuregroups", pid, fsid), nil, []string{ScopeFeatureStore}},
		{"query", "PUT", fmt.Sprintf("project/%d/featurestores/query", pid),
			map[string]any{"leftFeatureGroup": map[string]any{"id": groupID(t, s, full, pid, fsid, "transactions", 1)},
				"leftFeatures": []any{map[string]any{"name": "tx_id"}}}, []string{ScopeFeatureStore}},
	}
	scopes := []string{ScopeProject, ScopeFeatureStore, ScopeKafka, ScopeJob}
	for _, ep := range endpoints {
		for _, scope := range scopes {
			t.Run(ep.name+"/"+scope, func(t *testing.T) {
				r := do(t, s, s.NewAPIKey("fraud_user", scope), ep.method, ep.path, ep.body)
				if contains(ep.accepted, scope) {
					assert.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
					return
				}
				body := r.requireError(t, http.StatusForbidden, 320004)
				assert.Equal(t, "No valid scope found for this invocation", body["errorMsg"])
			})
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestRoutingBeforeAuthentication(t *testing.T) {
	s := start(t, Config{})
	tests := []struct {
		name, method, path string
		status             int
	}{
		{"unknown resource", "GET", "nothing/here", 404},
		{"outside the API", "GET", "../../elsewhere", 404},
		{"store name with capitals", "GET", "project/120/featurestores/Fraud_featurestore", 404},
		{"store name without letters", "GET", "project/120/featurestores/123_", 404},
		{"groups under a store name", "GET", "project/120/featurestores/fraud_featurestore/featuregroups", 404},
		{"wrong method", "DELETE", "project/120/featurestores/query", 405},
		{"GET on the query constructor", "GET", "project/120/featurestores/query", 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// No key: a path that matches no resource fails before the
			// authentication filter runs.
			r := do(t, s, "", tt.method, tt.path, nil)
			body := r.requireError(t, tt.status, 120004)
			assert.Equal(t, "Web application exception occurred", body["errorMsg"])
		})
	}
}

func TestKeysAreIndependent(t *testing.T) {
	s := start(t, Config{})
	a := s.NewAPIKey("fraud_user")
	b := s.NewAPIKey("bank_user")
	require.NotEqual(t, a, b)
	for _, k := range []string{a, b} {
		prefix, secret, _ := strings.Cut(k, ".")
		assert.Len(t, prefix, keyPrefixLen)
		assert.GreaterOrEqual(t, len(secret), 32)
	}
	assert.Equal(t, http.StatusOK, get(t, s, a, "project/getProjectInfo/fraud").status)
	get(t, s, b, "project/getProjectInfo/fraud").requireError(t, http.StatusForbidden, 160000)
	// The secret of one key does not open the other.
	pa, _, _ := strings.Cut(a, ".")
	_, sb, _ := strings.Cut(b, ".")
	get(t, s, pa+"."+sb, "project/getProjectInfo/fraud").requireError(t, http.StatusUnauthorized, 320012)
}

func TestSecretIsStoredHashed(t *testing.T) {
	s := start(t, Config{})
	key := s.NewAPIKey("fraud_user")
	prefix, secret, _ := strings.Cut(key, ".")
	s.keys.mu.Lock()
	stored := s.keys.keys[prefix]
	s.keys.mu.Unlock()
	require.NotNil(t, stored)
	assert.NotContains(t, fmt.Sprintf("%+v", *stored), secret, "the key's secret is kept in clear")
	assert.Equal(t, saltedHash(stored.salt, secret), stored.hash)
}
