package catalog

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hopsql/hopsql/connector"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newCatalog(t *testing.T, src connector.Source, project string, opts ...Option) *Catalog {
	t.Helper()
	c, err := New(context.Background(), src, project, opts...)
	require.NoError(t, err)
	return c
}

func TestNew(t *testing.T) {
	src := newFakeSource()
	c := newCatalog(t, src, "Fraud")
	assert.Equal(t, "fraud", c.Project())
	stores, _ := src.calls("")
	assert.Equal(t, 1, stores, "New checks the project through Stores")
}

func TestNewErrors(t *testing.T) {
	ctx := context.Background()

	_, err := New(ctx, newFakeSource(), "fruad")
	var nf *NotFoundError
	require.ErrorAs(t, err, &nf)
	assert.ErrorIs(t, err, ErrNotFound)
	assert.Equal(t, &NotFoundError{Project: "fruad", Session: "fruad"}, nf)
	assert.EqualError(t, err, `project "fruad" not found`)

	// A source that can list projects lets the error suggest one.
	_, err = New(ctx, listingSource{fakeSource: newFakeSource()}, "fruad")
	assert.EqualError(t, err, `project "fruad" not found: did you mean fraud?`)
	assert.ErrorIs(t, err, ErrNotFound)

	_, err = New(ctx, newFakeSource(), "")
	assert.EqualError(t, err, "invalid project name: the name is empty")

	_, err = New(ctx, newFakeSource(), "fraud::x")
	assert.ErrorContains(t, err, `invalid project name "fraud::x": character ':' is not allowed`)

	_, err = New(ctx, nil, "fraud")
	assert.Error(t, err)

	boom := errors.New("connection refused")
	src := newFakeSource()
	src.setStoresErr(boom)
	_, err = New(ctx, src, "fraud")
	assert.ErrorIs(t, err, boom)
	assert.EqualError(t, err, `listing the feature stores of project "fraud": connection refused`)
}

func TestStores(t *testing.T) {
	tests := []struct {
		project string
		want    []connector.Store
	}{
		{"fraud", []connector.Store{{Project: "fraud"}, {Project: "bank", Shared: true}, {Project: "zeta", Shared: true}}},
		{"bank", []connector.Store{{Project: "bank"}}},
		{"MARKETING", []connector.Store{{Project: "marketing"}}},
	}
	for _, tt := range tests {
		t.Run(tt.project, func(t *testing.T) {
			c := newCatalog(t, newFakeSource(), tt.project)
			got, err := c.Stores(context.Background())
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// ownLastSource lists the own store after the shared ones, breaking the
// Source contract; the catalog still puts it first.
type ownLastSource struct{ *fakeSource }

func (s ownLastSource) Stores(ctx context.Context, project string) ([]connector.Store, error) {
	stores, err := s.fakeSource.Stores(ctx, project)
	if len(stores) > 0 {
		stores = append(stores[1:], stores[0])
	}
	return stores, err
}

// noOwnStoreSource lists only the shared stores.
type noOwnStoreSource struct{ *fakeSource }

func (s noOwnStoreSource) Stores(ctx context.Context, project string) ([]connector.Store, error) {
	return []connector.Store{{Project: "bank", Shared: true}}, nil
}

func TestStoresOrderAndContract(t *testing.T) {
	c := newCatalog(t, ownLastSource{newFakeSource()}, "fraud")
	got, err := c.Stores(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []connector.Store{{Project: "fraud"}, {Project: "bank", Shared: true}, {Project: "zeta", Shared: true}}, got)

	_, err = New(context.Background(), noOwnStoreSource{newFakeSource()}, "fraud")
	assert.EqualError(t, err, `listing the feature stores of project "fraud": the source did not list the project's own store`)
}

func TestFeatureGroups(t *testing.T) {
	c := newCatalog(t, listingSource{fakeSource: newFakeSource()}, "fraud")
	tables := func(project string) []string {
		t.Helper()
		fgs, err := c.FeatureGroups(context.Background(), project)
		require.NoError(t, err)
		var names []string
		for _, fg := range fgs {
			names = append(names, fg.QualifiedName())
		}
		return names
	}
	own := []string{
		"fraud::customer_spend_1", "fraud::daily_1", "fraud::daily_2", "fraud::daily_1_1",
		"fraud::events_1", "fraud::events_2", "fraud::events_3", "fraud::transactions_1",
	}
	assert.Equal(t, own, tables(""), "ordered by name, then version")
	assert.Equal(t, own, tables("fraud"))
	assert.Equal(t, own, tables("FRAUD"))
	assert.Equal(t, []string{"bank::customers_1", "bank::customers_2", "bank::merchants_1"}, tables("bank"))

	_, err := c.FeatureGroups(context.Background(), "marketing")
	assert.ErrorIs(t, err, ErrNotShared)
	_, err = c.FeatureGroups(context.Background(), "nosuch")
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestFeatureGroupsResultIsCallers(t *testing.T) {
	c := newCatalog(t, newFakeSource(), "fraud", WithMetadataTTL(time.Minute))
	ctx := context.Background()
	fgs, err := c.FeatureGroups(ctx, "bank")
	require.NoError(t, err)
	fgs[0] = nil
	stores, err := c.Stores(ctx)
	require.NoError(t, err)
	stores[0].Project = "changed"

	fgs, err = c.FeatureGroups(ctx, "bank")
	require.NoError(t, err)
	assert.NotNil(t, fgs[0])
	stores, err = c.Stores(ctx)
	require.NoError(t, err)
	assert.Equal(t, "fraud", stores[0].Project)
}

func TestResolve(t *testing.T) {
	tests := []struct {
		session         string
		qualifier, name string
		want            string // QualifiedName of the feature group
		shared, latest  bool
	}{
		// The session's own store.
		{"fraud", "", "transactions_1", "fraud::transactions_1", false, false},
		{"fraud", "", "TRANSACTIONS_1", "fraud::transactions_1", false, false},
		{"fraud", "", "fraud::transactions_1", "fraud::transactions_1", false, false},
		{"fraud", "fraud_featurestore", "transactions_1", "fraud::transactions_1", false, false},
		{"fraud", "fraud", "transactions_1", "fraud::transactions_1", false, false},
		// A store shared with the session, in every spelling.
		{"fraud", "", "bank::customers_1", "bank::customers_1", true, false},
		{"fraud", "", "Bank::Customers_2", "bank::customers_2", true, false},
		{"fraud", "bank_featurestore", "customers_1", "bank::customers_1", true, false},
		{"fraud", "BANK_FEATURESTORE", "customers_2", "bank::customers_2", true, false},
		{"fraud", "bank", "merchants_1", "bank::merchants_1", true, false},
		{"fraud", "", "zeta::ledger_1", "zeta::ledger_1", true, false},
		// No version: the highest one.
		{"fraud", "", "transactions", "fraud::transactions_1", false, true},
		{"fraud", "", "events", "fraud::events_3", false, true},
		{"fraud", "", "bank::customers", "bank::customers_2", true, true},
		{"fraud", "bank_featurestore", "customers", "bank::customers_2", true, true},
		// A table name beats a feature group name: daily_1 is version 1 of
		// daily, not the latest version of the feature group daily_1.
		{"fraud", "", "daily_1", "fraud::daily_1", false, false},
		{"fraud", "", "daily_1_1", "fraud::daily_1_1", false, false},
		{"fraud", "", "daily", "fraud::daily_2", false, true},
		// A session in another project sees its own store.
		{"bank", "", "customers_1", "bank::customers_1", false, false},
		{"Bank", "", "BANK::customers", "bank::customers_2", false, true},
		{"marketing", "", "campaigns", "marketing::campaigns_1", false, true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%s.%s", tt.session, tt.qualifier, tt.name), func(t *testing.T) {
			src := newFakeSource()
			c := newCatalog(t, src, tt.session)
			n, err := ParseName(tt.qualifier, tt.name)
			require.NoError(t, err)
			got, err := c.Resolve(context.Background(), n)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.FeatureGroup.QualifiedName())
			assert.Equal(t, n, got.Ref)
			assert.Equal(t, tt.latest, got.Latest)
			assert.Equal(t, tt.shared, got.Store.Shared)
			assert.Equal(t, got.FeatureGroup.Project, got.Store.Project)
			assert.Same(t, src, got.Source)
			assert.Equal(t, []string{"id"}, got.FeatureGroup.PrimaryKey)
			assert.Equal(t, "ts", got.FeatureGroup.EventTime)
		})
	}
}

func TestResolveNormalizesUnparsedNames(t *testing.T) {
	c := newCatalog(t, newFakeSource(), "fraud")
	got, err := c.Resolve(context.Background(), Name{Project: "BANK", Table: "Customers"})
	require.NoError(t, err)
	assert.Equal(t, "bank::customers_2", got.FeatureGroup.QualifiedName())
	assert.Equal(t, Name{Project: "BANK", Table: "Customers"}, got.Ref)

	_, err = c.Resolve(context.Background(), Name{Project: "bank"})
	assert.EqualError(t, err, "invalid table name: the name is empty")
}

func TestResolveNotShared(t *testing.T) {
	c := newCatalog(t, listingSource{fakeSource: newFakeSource()}, "fraud")
	for _, n := range []Name{
		{Project: "marketing", Table: "campaigns_1"},
		{Project: "marketing", Table: "nosuch"},
		{Project: "Marketing", Table: "campaigns"},
	} {
		t.Run(n.String(), func(t *testing.T) {
			_, err := c.Resolve(context.Background(), n)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrNotShared)
			assert.NotErrorIs(t, err, ErrNotFound)
			var ns *NotSharedError
			require.ErrorAs(t, err, &ns)
			assert.Equal(t, &NotSharedError{Owner: "marketing", Project: "fraud"}, ns)
			assert.EqualError(t, err, `feature store "marketing_featurestore" is not shared with project "fraud": ask the owners of "marketing" to share it, or connect to project "marketing"`)
		})
	}

	// Sharing is one-way: bank shares with fraud, fraud not with bank.
	c = newCatalog(t, listingSource{fakeSource: newFakeSource()}, "bank")
	_, err := c.Resolve(context.Background(), Name{Project: "fraud", Table: "transactions_1"})
	assert.EqualError(t, err, `feature store "fraud_featurestore" is not shared with project "bank": ask the owners of "fraud" to share it, or connect to project "fraud"`)
	_, err = c.FeatureGroups(context.Background(), "fraud")
	assert.ErrorIs(t, err, ErrNotShared)
}

func TestResolveUnknownProject(t *testing.T) {
	tests := []struct {
		name    string
		src     connector.Source
		project string
		want    *NotFoundError
		msg     string
	}{
		{
			name: "listing source", src: listingSource{fakeSource: newFakeSource()}, project: "bnak",
			want: &NotFoundError{Project: "bnak", Session: "fraud", Suggestions: []string{"bank"}},
			msg:  `project "bnak" not found: did you mean bank?`,
		},
		{
			name: "listing source, nothing close", src: listingSource{fakeSource: newFakeSource()}, project: "nosuch",
			want: &NotFoundError{Project: "nosuch", Session: "fraud"},
			msg:  `project "nosuch" not found`,
		},
		{
			// Without a project list the catalog cannot tell whether
			// marketing exists.
			name: "plain source, existing project", src: newFakeSource(), project: "marketing",
			want: &NotFoundError{Project: "marketing", Session: "fraud", MayExist: true},
			msg:  `project "marketing" does not exist or is not shared with project "fraud"`,
		},
		{
			name: "plain source, typo", src: newFakeSource(), project: "zeat",
			want: &NotFoundError{Project: "zeat", Session: "fraud", MayExist: true, Suggestions: []string{"zeta"}},
			msg:  `project "zeat" does not exist or is not shared with project "fraud": did you mean zeta?`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCatalog(t, tt.src, "fraud")
			_, err := c.Resolve(context.Background(), Name{Project: tt.project, Table: "customers_1"})
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrNotFound)
			assert.ErrorIs(t, err, connector.ErrNotFound)
			assert.NotErrorIs(t, err, ErrNotShared)
			var nf *NotFoundError
			require.ErrorAs(t, err, &nf)
			assert.Equal(t, tt.want, nf)
			assert.EqualError(t, err, tt.msg)

			_, err = c.FeatureGroups(context.Background(), tt.project)
			assert.EqualError(t, err, tt.msg)
		})
	}
}

func TestResolveUnknownFeatureGroup(t *testing.T) {
	tests := []struct {
		session string
		name    string
		project string // searched project in the error
		table   string
		suggest []string
		msg     string
	}{
		{
			session: "fraud", name: "transaction_1", project: "fraud", table: "transaction_1",
			suggest: []string{"transactions_1"},
			msg:     `feature group "transaction_1" not found in project "fraud": did you mean transactions_1?`,
		},
		{
			session: "fraud", name: "Transaction", project: "fraud", table: "transaction",
			suggest: []string{"transactions"},
		},
		{
			// The name exists in a readable store of another project.
			session: "fraud", name: "customers_1", project: "fraud", table: "customers_1",
			suggest: []string{"bank::customers_1"},
			msg:     `feature group "customers_1" not found in project "fraud": did you mean bank::customers_1?`,
		},
		{
			session: "fraud", name: "customer", project: "fraud", table: "customer",
			suggest: []string{"bank::customers"},
		},
		{
			session: "fraud", name: "bank::customer_spend", project: "bank", table: "customer_spend",
			suggest: []string{"customer_spend"},
			msg:     `feature group "customer_spend" not found in project "bank": did you mean customer_spend?`,
		},
		{
			// Names in the named store come first, then the other stores'.
			session: "fraud", name: "zeta::merchant_1", project: "zeta", table: "merchant_1",
			suggest: []string{"zeta::merchants_1", "bank::merchants_1"},
			msg:     `feature group "merchant_1" not found in project "zeta": did you mean zeta::merchants_1 or bank::merchants_1?`,
		},
		{
			session: "fraud", name: "bank::merchant_1", project: "bank", table: "merchant_1",
			suggest: []string{"bank::merchants_1", "zeta::merchants_1"},
		},
		{
			session: "fraud", name: "eventz_9", project: "fraud", table: "eventz_9",
			suggest: []string{"events_1"},
		},
		{
			session: "fraud", name: "dayly", project: "fraud", table: "dayly",
			suggest: []string{"daily"},
		},
		{
			session: "fraud", name: "bank::zzz", project: "bank", table: "zzz",
			msg: `feature group "zzz" not found in project "bank"`,
		},
		{
			// Stores not readable from the session are never suggested.
			session: "fraud", name: "campaigns_1", project: "fraud", table: "campaigns_1",
			msg: `feature group "campaigns_1" not found in project "fraud"`,
		},
		{
			session: "bank", name: "transactions_1", project: "bank", table: "transactions_1",
		},
		{
			session: "fraud", name: "ledger", project: "fraud", table: "ledger",
			suggest: []string{"zeta::ledger"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.session+"/"+tt.name, func(t *testing.T) {
			c := newCatalog(t, newFakeSource(), tt.session)
			n, err := ParseName("", tt.name)
			require.NoError(t, err)
			_, err = c.Resolve(context.Background(), n)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrNotFound)
			assert.NotErrorIs(t, err, ErrNotShared)
			var nf *NotFoundError
			require.ErrorAs(t, err, &nf)
			assert.Equal(t, &NotFoundError{Project: tt.project, Table: tt.table, Session: tt.session, Suggestions: tt.suggest}, nf)
			if tt.msg != "" {
				assert.EqualError(t, err, tt.msg)
			}
		})
	}
}

func TestResolveSuggestionsOrder(t *testing.T) {
	src := newFakeSource()
	src.projects["fraud"].groups = fgs("fraud", "abcd_1", "abce_1", "abcf_1", "abc_1")
	c := newCatalog(t, src, "fraud")
	_, err := c.Resolve(context.Background(), Name{Table: "abcx_1"})
	assert.EqualError(t, err, `feature group "abcx_1" not found in project "fraud": did you mean abc_1, abcd_1 or abce_1?`)
}

func TestResolveSourceErrors(t *testing.T) {
	ctx := context.Background()
	boom := errors.New("disk on fire")

	t.Run("stores", func(t *testing.T) {
		src := newFakeSource()
		c := newCatalog(t, src, "fraud")
		src.setStoresErr(boom)
		_, err := c.Resolve(ctx, Name{Table: "transactions_1"})
		assert.ErrorIs(t, err, boom)
		assert.EqualError(t, err, `listing the feature stores of project "fraud": disk on fire`)
		_, err = c.Stores(ctx)
		assert.ErrorIs(t, err, boom)
		_, err = c.FeatureGroups(ctx, "")
		assert.ErrorIs(t, err, boom)
	})
	t.Run("feature groups", func(t *testing.T) {
		src := newFakeSource()
		c := newCatalog(t, src, "fraud")
		src.setGroupsErr("bank", boom)
		_, err := c.Resolve(ctx, Name{Project: "bank", Table: "customers_1"})
		assert.ErrorIs(t, err, boom)
		assert.EqualError(t, err, `listing the feature groups of project "bank": disk on fire`)
		_, err = c.FeatureGroups(ctx, "bank")
		assert.ErrorIs(t, err, boom)

		// A failing store only loses its suggestions.
		_, err = c.Resolve(ctx, Name{Table: "transaction_1"})
		assert.EqualError(t, err, `feature group "transaction_1" not found in project "fraud": did you mean transactions_1?`)
		_, err = c.Resolve(ctx, Name{Table: "customers_1"})
		assert.EqualError(t, err, `feature group "customers_1" not found in project "fraud"`)
	})
	t.Run("source not found", func(t *testing.T) {
		src := newFakeSource()
		c := newCatalog(t, src, "fraud")
		src.setGroupsErr("bank", fmt.Errorf("bank was deleted: %w", connector.ErrNotFound))
		_, err := c.Resolve(ctx, Name{Project: "bank", Table: "customers_1"})
		assert.ErrorIs(t, err, ErrNotFound)
		assert.EqualError(t, err, `listing the feature groups of project "bank": bank was deleted: not found`)
	})
	t.Run("session project vanished", func(t *testing.T) {
		src := newFakeSource()
		c := newCatalog(t, src, "fraud")
		src.setStoresErr(fmt.Errorf("fake: project %q: %w", "fraud", connector.ErrNotFound))
		_, err := c.Resolve(ctx, Name{Table: "transactions_1"})
		var nf *NotFoundError
		require.ErrorAs(t, err, &nf)
		assert.EqualError(t, err, `project "fraud" not found`)
	})
	t.Run("project list", func(t *testing.T) {
		c := newCatalog(t, listingSource{fakeSource: newFakeSource(), projectsErr: boom}, "fraud")
		_, err := c.Resolve(ctx, Name{Project: "marketing", Table: "campaigns_1"})
		assert.ErrorIs(t, err, boom)
		assert.EqualError(t, err, `looking up project "marketing": disk on fire`)
	})
	t.Run("cancelled", func(t *testing.T) {
		c := newCatalog(t, newFakeSource(), "fraud")
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := c.Resolve(cctx, Name{Table: "transactions_1"})
		assert.ErrorIs(t, err, context.Canceled)
	})
}

func TestPlanScanThroughTable(t *testing.T) {
	c := newCatalog(t, newFakeSource(), "fraud")
	tbl, err := c.Resolve(context.Background(), Name{Table: "transactions_1"})
	require.NoError(t, err)
	_, err = tbl.Source.PlanScan(context.Background(), tbl.FeatureGroup, connector.ScanRequest{})
	assert.EqualError(t, err, "fake: no scans")
}

func TestNoCacheByDefault(t *testing.T) {
	src := newFakeSource()
	c := newCatalog(t, src, "fraud")
	ctx := context.Background()
	for range 3 {
		_, err := c.Resolve(ctx, Name{Project: "bank", Table: "customers_1"})
		require.NoError(t, err)
	}
	stores, groups := src.calls("bank")
	assert.Equal(t, 4, stores, "New and each Resolve list stores")
	assert.Equal(t, 3, groups)

	// A feature group written after the catalog was made is seen at once.
	src.mu.Lock()
	src.projects["bank"].groups = append(src.projects["bank"].groups, fgs("bank", "customers_3")...)
	src.mu.Unlock()
	got, err := c.Resolve(ctx, Name{Project: "bank", Table: "customers"})
	require.NoError(t, err)
	assert.Equal(t, 3, got.FeatureGroup.Version)
}

func TestMetadataTTL(t *testing.T) {
	src := newFakeSource()
	clock := newFakeClock()
	c := newCatalog(t, src, "fraud", WithMetadataTTL(time.Minute), withClock(clock.Now))
	ctx := context.Background()
	resolve := func() *Table {
		t.Helper()
		got, err := c.Resolve(ctx, Name{Project: "bank", Table: "customers"})
		require.NoError(t, err)
		return got
	}

	assert.Equal(t, 2, resolve().FeatureGroup.Version)
	stores, groups := src.calls("bank")
	assert.Equal(t, 1, stores, "the stores listed by New are reused")
	assert.Equal(t, 1, groups)

	src.mu.Lock()
	src.projects["bank"].groups = append(src.projects["bank"].groups, fgs("bank", "customers_3")...)
	src.mu.Unlock()

	clock.Advance(59 * time.Second)
	assert.Equal(t, 2, resolve().FeatureGroup.Version, "still cached")
	_, err := c.FeatureGroups(ctx, "bank")
	require.NoError(t, err)
	stores, groups = src.calls("bank")
	assert.Equal(t, 1, stores)
	assert.Equal(t, 1, groups)

	clock.Advance(time.Second)
	assert.Equal(t, 3, resolve().FeatureGroup.Version, "expired")
	stores, groups = src.calls("bank")
	assert.Equal(t, 2, stores)
	assert.Equal(t, 2, groups)

	// Errors are not cached.
	clock.Advance(time.Minute)
	src.setStoresErr(errors.New("flaky"))
	_, err = c.Stores(ctx)
	assert.Error(t, err)
	src.setStoresErr(nil)
	_, err = c.Stores(ctx)
	assert.NoError(t, err)
}

func TestNegativeTTLMeansNoCache(t *testing.T) {
	src := newFakeSource()
	c := newCatalog(t, src, "fraud", WithMetadataTTL(-time.Second))
	for range 2 {
		_, err := c.FeatureGroups(context.Background(), "")
		require.NoError(t, err)
	}
	_, groups := src.calls("fraud")
	assert.Equal(t, 2, groups)
}

func TestConcurrentUse(t *testing.T) {
	for _, ttl := range []time.Duration{0, time.Second} {
		t.Run(ttl.String(), func(t *testing.T) {
			clock := newFakeClock()
			src := listingSource{fakeSource: newFakeSource()}
			c := newCatalog(t, src, "fraud", WithMetadataTTL(ttl), withClock(clock.Now))
			ctx := context.Background()
			var wg sync.WaitGroup
			for g := range 8 {
				wg.Go(func() {
					for i := range 50 {
						if g == 0 {
							clock.Advance(100 * time.Millisecond)
						}
						got, err := c.Resolve(ctx, Name{Project: "bank", Table: "customers"})
						if assert.NoError(t, err) {
							assert.Equal(t, "bank::customers_2", got.FeatureGroup.QualifiedName())
						}
						_, err = c.Resolve(ctx, Name{Table: "transaction_1"})
						assert.ErrorIs(t, err, ErrNotFound)
						_, err = c.Resolve(ctx, Name{Project: "marketing", Table: "campaigns_1"})
						assert.ErrorIs(t, err, ErrNotShared)
						stores, err := c.Stores(ctx)
						if assert.NoError(t, err) {
							assert.Len(t, stores, 3)
						}
						fgs, err := c.FeatureGroups(ctx, []string{"", "bank", "zeta"}[i%3])
						if assert.NoError(t, err) {
							assert.NotEmpty(t, fgs)
						}
					}
				})
			}
			wg.Wait()
		})
	}
}
