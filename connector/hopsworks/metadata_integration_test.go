package hopsworks

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector"
	"github.com/hopsql/hopsql/connector/local"
	"github.com/hopsql/hopsql/connector/local/demo"
)

// Metadata against hopsworkstest: stores, feature groups, paging, the
// cache, retries and timeouts. The embedded store reading the same
// warehouse is the oracle. Helpers are in integration_test.go.

func TestStoresMatchLocal(t *testing.T) {
	srv := startServer(t)
	w, err := local.Open(warehouse.get(t))
	require.NoError(t, err)
	ctx := context.Background()
	for _, project := range demo.Projects() {
		t.Run(project, func(t *testing.T) {
			c := connect(t, srv, project, "admin")
			got, err := c.Stores(ctx, project)
			require.NoError(t, err)
			want, err := w.Stores(ctx, project)
			require.NoError(t, err)
			assert.Equal(t, storeKeys(want), storeKeys(got))
		})
	}
	c := connect(t, srv, "fraud", "fraud_user")
	got, err := c.Stores(ctx, "fraud")
	require.NoError(t, err)
	assert.Equal(t, []string{"fraud", "bank (shared)"}, storeKeys(got), "the contract's example")
}

// storeKeys renders stores as "project" or "project (shared)".
func storeKeys(stores []connector.Store) []string {
	keys := make([]string, len(stores))
	for i, s := range stores {
		keys[i] = s.Project
		if s.Shared {
			keys[i] += " (shared)"
		}
	}
	return keys
}

func TestFeatureGroupsMatchLocal(t *testing.T) {
	srv := startServer(t)
	w, err := local.Open(warehouse.get(t))
	require.NoError(t, err)
	ctx := context.Background()
	c := connect(t, srv, "fraud", "fraud_user")
	for _, project := range []string{"fraud", "bank"} {
		t.Run(project, func(t *testing.T) {
			got, err := c.FeatureGroups(ctx, project)
			require.NoError(t, err)
			want, err := w.FeatureGroups(ctx, project)
			require.NoError(t, err)
			require.NotEmpty(t, want)
			assert.Equal(t, want, got)
		})
	}
	v, err := c.LatestVersion(ctx, "bank", "customers")
	require.NoError(t, err)
	want := 0
	fgs, err := w.FeatureGroups(ctx, "bank")
	require.NoError(t, err)
	for _, fg := range fgs {
		if fg.Name == "customers" {
			want = max(want, fg.Version)
		}
	}
	assert.Equal(t, want, v)

	_, err = c.FeatureGroups(ctx, "marketing")
	assert.ErrorIs(t, err, ErrNotShared, "marketing exists but is not shared with fraud")
	assert.NotErrorIs(t, err, connector.ErrNotFound)
	_, err = c.FeatureGroups(ctx, "nosuchproject")
	assert.ErrorIs(t, err, connector.ErrNotFound)
	assert.NotErrorIs(t, err, ErrNotShared)
}

// TestFeatureGroupsPaging lists with pages smaller than the store.
func TestFeatureGroupsPaging(t *testing.T) {
	srv := startServer(t)
	c := connect(t, srv, "fraud", "fraud_user")
	ctx := context.Background()
	st, err := c.readableStore(ctx, "bank")
	require.NoError(t, err)
	all, err := c.listFeatureGroups(ctx, st.id)
	require.NoError(t, err)
	fgs, err := c.FeatureGroups(ctx, "bank")
	require.NoError(t, err)
	assert.Len(t, all, len(fgs))
	require.Greater(t, len(fgs), 1, "the test needs more than one page of one")
	srv.Faults().ResetRequests()
	c.page = 1
	paged, err := c.listFeatureGroups(ctx, st.id)
	require.NoError(t, err)
	assert.Equal(t, all, paged)
	assert.Equal(t, len(all), requestsTo(srv, "GET", "/featuregroups"), "pages of one, up to the count")
}

func TestMetadataCache(t *testing.T) {
	srv := startServer(t)
	c := connect(t, srv, "fraud", "fraud_user")
	ctx := context.Background()
	srv.Faults().ResetRequests()
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Stores(ctx, "fraud")
			assert.NoError(t, err)
			_, err = c.FeatureGroups(ctx, "bank")
			assert.NoError(t, err)
			_, err = c.FeatureGroups(ctx, "fraud")
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, requestsTo(srv, "GET", "/featurestores"), "one listing of stores")
	assert.Equal(t, 2, requestsTo(srv, "GET", "/featuregroups"), "one listing per store")

	c.Refresh()
	_, err := c.Stores(ctx, "fraud")
	require.NoError(t, err)
	assert.Equal(t, 2, requestsTo(srv, "GET", "/featurestores"), "Refresh forgets")
}

func TestRetriesAgainstServer(t *testing.T) {
	srv := startServer(t)
	c := connect(t, srv, "fraud", "fraud_user")
	ctx := context.Background()

	srv.Faults().ResetRequests()
	srv.Faults().FailHTTP("GET", "/featurestores", http.StatusServiceUnavailable, 2)
	stores, err := c.Stores(ctx, "fraud")
	require.NoError(t, err, "two 503s are retried away")
	assert.Len(t, stores, 2)
	assert.Equal(t, 3, requestsTo(srv, "GET", "/featurestores"))

	c.Refresh()
	srv.Faults().ResetRequests()
	srv.Faults().FailHTTP("GET", "/featurestores", http.StatusServiceUnavailable, 100)
	_, err = c.Stores(ctx, "fraud")
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusServiceUnavailable, apiErr.Status)
	assert.Equal(t, c.retry.attempts, requestsTo(srv, "GET", "/featurestores"), "bounded attempts")
	srv.Faults().Clear()

	srv.Faults().ResetRequests()
	srv.Faults().FailHTTP("PUT", "/featurestores/query", http.StatusServiceUnavailable, 1)
	query := map[string]any{"leftFeatureGroup": map[string]any{"id": 1, "type": typeCachedFeatureGroup}, "leftFeatures": []map[string]string{{"name": "*"}}}
	err = c.do(ctx, request{method: http.MethodPut, path: []string{"project", c.projectID(), "featurestores", "query"}, body: query}, nil)
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusServiceUnavailable, apiErr.Status)
	assert.Equal(t, 1, requestsTo(srv, "PUT", "/featurestores/query"), "PUT is never retried")
}

func TestRequestTimeoutAgainstServer(t *testing.T) {
	srv := startServer(t)
	o, _ := serverOptions(t, srv, "fraud", srv.NewAPIKey("fraud_user"))
	o.RequestTimeout = 200 * time.Millisecond
	c, err := Connect(context.Background(), o)
	require.NoError(t, err)
	defer c.Close()
	c.retry = retryPolicy{attempts: 2, base: time.Millisecond, max: time.Millisecond}
	srv.Faults().DelayHTTP("GET", "/featurestores", time.Minute, 1)
	stores, err := c.Stores(context.Background(), "fraud")
	require.NoError(t, err, "the slow attempt times out and the retry succeeds")
	assert.Len(t, stores, 2)
}
