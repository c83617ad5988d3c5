package hopsworkstest

import (
	"context"
	"net"
	"net/http"
	"sort"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector"
	"github.com/hopsql/hopsql/connector/local"
)

// warehouseProjects lists the demo store's projects, read with
// connector/local as an oracle.
func warehouseProjects(t *testing.T) []string {
	t.Helper()
	var names []string
	for _, s := range warehouseStores(t) {
		names = append(names, s.Project)
	}
	require.Len(t, names, 3)
	return names
}

// warehouseStores lists the demo store's projects with their descriptions.
func warehouseStores(t *testing.T) []connector.Store {
	t.Helper()
	w, err := local.Open(demoDir)
	require.NoError(t, err)
	stores, err := w.Projects(context.Background())
	require.NoError(t, err)
	return stores
}

func TestGetProjectInfo(t *testing.T) {
	s := start(t, Config{})
	stores := warehouseStores(t)
	ids := map[int]bool{}
	for _, st := range stores {
		p := st.Project
		for _, user := range []string{p + UserSuffix, AdminUser} {
			t.Run(p+"/"+user, func(t *testing.T) {
				r := get(t, s, s.NewAPIKey(user), "project/getProjectInfo/"+p)
				require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
				body := r.object(t)
				assert.Equal(t, p, body["projectName"])
				id, ok := body["projectId"].(float64)
				require.True(t, ok, "projectId is not a number: %v", body["projectId"])
				ids[int(id)] = true
				assert.Contains(t, body, "created")
				assert.Contains(t, body, "owner")
				if st.Description == "" {
					assert.NotContains(t, body, "description", "a null description is omitted")
				} else {
					assert.Equal(t, st.Description, body["description"])
				}
			})
		}
	}
	assert.Len(t, ids, len(stores), "every project has one id, and ids differ")

	t.Run("unknown project", func(t *testing.T) {
		body := get(t, s, s.NewAPIKey(AdminUser), "project/getProjectInfo/nosuch").requireError(t, http.StatusNotFound, 150004)
		assert.Equal(t, "Project wasn't found.", body["errorMsg"])
	})
	t.Run("non-member", func(t *testing.T) {
		body := get(t, s, s.NewAPIKey("marketing_user"), "project/getProjectInfo/fraud").requireError(t, http.StatusForbidden, 160000)
		assert.Equal(t, "No valid role found for this user", body["errorMsg"])
	})
	t.Run("shared store does not make a member", func(t *testing.T) {
		get(t, s, s.NewAPIKey("fraud_user"), "project/getProjectInfo/bank").requireError(t, http.StatusForbidden, 160000)
	})
}

func TestProjectIDsAreDeterministic(t *testing.T) {
	a, b := start(t, Config{}), start(t, Config{})
	for _, p := range warehouseProjects(t) {
		assert.Equal(t, projectID(t, a, a.NewAPIKey(AdminUser), p), projectID(t, b, b.NewAPIKey(AdminUser), p), p)
	}
}

func TestListProjects(t *testing.T) {
	s := start(t, Config{})
	projects := warehouseProjects(t)
	tests := []struct {
		user string
		want []string
	}{
		{"fraud_user", []string{"fraud"}},
		{"bank_user", []string{"bank"}},
		{AdminUser, projects},
		{"stranger", nil},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			key := s.NewAPIKey(tt.user)
			r := get(t, s, key, "project")
			require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
			entries := r.array(t)
			var got []string
			for _, e := range entries {
				entry := e.(map[string]any)
				proj := entry["project"].(map[string]any)
				user := entry["user"].(map[string]any)
				assert.Equal(t, tt.user, user["username"], "the client takes the username from [0].user.username")
				assert.Contains(t, user, "uid")
				assert.Contains(t, proj["owner"].(map[string]any), "uid")
				assert.NotEmpty(t, entry["teamRole"])
				name := proj["name"].(string)
				assert.EqualValues(t, projectID(t, s, key, name), proj["id"])
				got = append(got, name)
			}
			sort.Strings(got)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestVariables(t *testing.T) {
	s := start(t, Config{Domain: "example.internal"})
	key := s.NewAPIKey("fraud_user")
	tests := []struct {
		name, want string
	}{
		{"enable_flyingduck", "true"},
		{"service_discovery_domain", "example.internal"},
		{"loadbalancer_external_domain_feature_query", s.FlightAddr()},
		{"enable_data_science_profile", "false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := get(t, s, key, "variables/"+tt.name)
			require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
			assert.Equal(t, map[string]any{"successMessage": tt.want}, r.object(t))
		})
	}
	t.Run("default domain", func(t *testing.T) {
		d := start(t, Config{})
		r := get(t, d, d.NewAPIKey("fraud_user"), "variables/service_discovery_domain")
		assert.Equal(t, "consul", r.object(t)["successMessage"])
	})
	t.Run("unknown", func(t *testing.T) {
		body := get(t, s, key, "variables/no_such_variable").requireError(t, http.StatusNotFound, 100050)
		assert.Equal(t, "Requested variable not found", body["errorMsg"])
	})
	t.Run("versions", func(t *testing.T) {
		for _, tt := range []struct {
			hqs  bool
			want string
		}{{false, "4.6.0"}, {true, "4.7.0"}} {
			srv := start(t, Config{HQSPayload: tt.hqs})
			r := get(t, srv, srv.NewAPIKey("fraud_user"), "variables/versions")
			require.Equal(t, http.StatusOK, r.status)
			found := false
			for _, v := range r.array(t) {
				m := v.(map[string]any)
				if m["software"] == "hopsworks" {
					found = true
					assert.Equal(t, tt.want, m["version"])
				}
			}
			assert.True(t, found, "no hopsworks version in %s", r.body)
		}
	})
}

func TestFlightLocation(t *testing.T) {
	s := start(t, Config{})
	_, port, err := net.SplitHostPort(s.FlightAddr())
	require.NoError(t, err)
	n, err := strconv.Atoi(port)
	require.NoError(t, err)
	if n != flightDefaultPort {
		assert.Equal(t, Host+":"+port, flightLocation(n))
	}
	assert.Equal(t, Host, flightLocation(flightDefaultPort), "the Python client appends :5005")
	assert.Equal(t, Host+":1234", flightLocation(1234))
}
