package catalog

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// labelsSource is a second source holding projects the main fake source
// does not have.
func labelsSource() listingSource {
	return listingSource{fakeSource: &fakeSource{
		order: []string{"labels", "scratch"},
		projects: map[string]*fakeProject{
			"labels":  {groups: fgs("labels", "fraud_labels_1", "fraud_labels_2")},
			"scratch": {groups: fgs("scratch", "tmp_1")},
		},
		groupsErr:   make(map[string]error),
		groupsCalls: make(map[string]int),
	}}
}

func TestAttachedStores(t *testing.T) {
	ctx := context.Background()
	main, labels := newFakeSource(), labelsSource()
	c, err := New(ctx, main, "fraud", WithAttached(labels))
	require.NoError(t, err)

	stores, err := c.Stores(ctx)
	require.NoError(t, err)
	var names []string
	for _, s := range stores {
		names = append(names, s.Project)
		if s.Project == "labels" || s.Project == "scratch" {
			assert.True(t, s.Shared, "attached stores are read-only, like shared ones")
		}
	}
	assert.Equal(t, []string{"fraud", "bank", "zeta", "labels", "scratch"}, names)

	// Names resolve to the source that holds them.
	tab, err := c.Resolve(ctx, Name{Project: "labels", Table: "fraud_labels"})
	require.NoError(t, err)
	assert.Equal(t, "fraud_labels_2", tab.FeatureGroup.TableName(), "latest version")
	assert.Same(t, labels.fakeSource, tab.Source.(listingSource).fakeSource)
	tab, err = c.Resolve(ctx, Name{Project: "bank", Table: "customers_1"})
	require.NoError(t, err)
	assert.Same(t, main, tab.Source)
	tab, err = c.Resolve(ctx, Name{Table: "transactions_1"})
	require.NoError(t, err)
	assert.Same(t, main, tab.Source)

	fgsOf, err := c.FeatureGroups(ctx, "scratch")
	require.NoError(t, err)
	require.Len(t, fgsOf, 1)
	_, groups := labels.calls("scratch")
	assert.Equal(t, 1, groups, "the attached source lists its own feature groups")

	// Unknown names in an attached store are not found, with suggestions.
	_, err = c.Resolve(ctx, Name{Project: "labels", Table: "fraud_lables_1"})
	var nf *NotFoundError
	require.ErrorAs(t, err, &nf)
	assert.Contains(t, nf.Suggestions, "labels::fraud_labels_1")
}

func TestAttachedStoreNameClash(t *testing.T) {
	ctx := context.Background()
	clash := listingSource{fakeSource: &fakeSource{
		order:       []string{"bank"},
		projects:    map[string]*fakeProject{"bank": {groups: fgs("bank", "x_1")}},
		groupsErr:   make(map[string]error),
		groupsCalls: make(map[string]int),
	}}
	_, err := New(ctx, newFakeSource(), "fraud", WithAttached(clash))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `project "bank" has the name of a feature store the session already reads`)

	broken := labelsSource()
	broken.projectsErr = errors.New("disk on fire")
	_, err = New(ctx, newFakeSource(), "fraud", WithAttached(broken))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "disk on fire")
}
