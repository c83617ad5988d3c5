package catalog

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/hopsql/hopsql/connector"
)

// fakeSource is an in-memory connector.Source. Projects are listed in order;
// a project's store is readable by the projects in its sharedWith list.
type fakeSource struct {
	order    []string
	projects map[string]*fakeProject

	mu          sync.Mutex
	storesErr   error            // returned by Stores when set
	groupsErr   map[string]error // returned by FeatureGroups for a project when set
	storesCalls int
	groupsCalls map[string]int
}

type fakeProject struct {
	sharedWith []string
	groups     []*connector.FeatureGroup
}

// newFakeSource returns the store the tests share:
//
//	zeta       shares with fraud   ledger_1, merchants_1
//	fraud      shares with nobody  transactions_1, customer_spend_1,
//	                               events_1, events_3, events_2 (listed out of order),
//	                               daily_1, daily_2 (fg "daily"), daily_1_1 (fg "daily_1")
//	bank       shares with fraud   customers_1, customers_2, merchants_1
//	marketing  shares with nobody  campaigns_1
//
// zeta is listed before fraud so that the catalog has to reorder stores.
func newFakeSource() *fakeSource {
	return &fakeSource{
		order: []string{"zeta", "fraud", "bank", "marketing"},
		projects: map[string]*fakeProject{
			"zeta": {sharedWith: []string{"fraud"}, groups: fgs("zeta", "ledger_1", "merchants_1")},
			"fraud": {groups: fgs("fraud",
				"transactions_1", "customer_spend_1", "events_1", "events_3", "events_2",
				"daily_2", "daily_1", "daily_1#1")},
			"bank":      {sharedWith: []string{"fraud"}, groups: fgs("bank", "customers_2", "customers_1", "merchants_1")},
			"marketing": {groups: fgs("marketing", "campaigns_1")},
		},
		groupsErr:   make(map[string]error),
		groupsCalls: make(map[string]int),
	}
}

// fgs makes feature groups from table names; "a_1#1" is feature group
// "a_1", version 1, for names whose last part is not the version.
func fgs(project string, tables ...string) []*connector.FeatureGroup {
	var out []*connector.FeatureGroup
	for _, t := range tables {
		var name string
		var version int
		if i := len(t) - 2; t[i] == '#' {
			name, version = t[:i], int(t[i+1]-'0')
		} else {
			name, version = t[:len(t)-2], int(t[len(t)-1]-'0')
		}
		out = append(out, &connector.FeatureGroup{
			Project: project, Name: name, Version: version,
			PrimaryKey: []string{"id"}, EventTime: "ts",
			Features: []connector.Feature{{Name: "id", Type: "bigint", Primary: true}, {Name: "ts", Type: "timestamp"}},
		})
	}
	return out
}

func (s *fakeSource) Stores(ctx context.Context, project string) ([]connector.Store, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.storesCalls++
	if s.storesErr != nil {
		return nil, s.storesErr
	}
	if _, ok := s.projects[project]; !ok {
		return nil, fmt.Errorf("fake: project %q: %w", project, connector.ErrNotFound)
	}
	var out []connector.Store
	for _, name := range s.order {
		p := s.projects[name]
		switch {
		case name == project:
			out = append(out, connector.Store{Project: name})
		case slices.Contains(p.sharedWith, project):
			out = append(out, connector.Store{Project: name, Shared: true})
		}
	}
	return out, nil
}

func (s *fakeSource) FeatureGroups(ctx context.Context, project string) ([]*connector.FeatureGroup, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.groupsCalls[project]++
	if err := s.groupsErr[project]; err != nil {
		return nil, err
	}
	p, ok := s.projects[project]
	if !ok {
		return nil, fmt.Errorf("fake: project %q: %w", project, connector.ErrNotFound)
	}
	// Return a fresh slice, as a real source would.
	return append([]*connector.FeatureGroup(nil), p.groups...), nil
}

func (s *fakeSource) PlanScan(context.Context, *connector.FeatureGroup, connector.ScanRequest) (connector.Scan, error) {
	return nil, errors.New("fake: no scans")
}

func (s *fakeSource) setStoresErr(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.storesErr = err
}

func (s *fakeSource) setGroupsErr(project string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.groupsErr[project] = err
}

func (s *fakeSource) calls(project string) (stores, groups int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.storesCalls, s.groupsCalls[project]
}

// listingSource is a fakeSource that can also list all its projects, as
// the local store can.
type listingSource struct {
	*fakeSource
	projectsErr error
}

func (s listingSource) Projects(ctx context.Context) ([]connector.Store, error) {
	if s.projectsErr != nil {
		return nil, s.projectsErr
	}
	var out []connector.Store
	for _, name := range s.order {
		out = append(out, connector.Store{Project: name})
	}
	return out, nil
}

// fakeClock is a clock that moves only when told to.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
