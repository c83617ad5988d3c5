package hopsworks

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/hopsql/hopsql/connector"
)

// storeInfo is a feature store readable from a project.
type storeInfo struct {
	store connector.Store
	id    int64  // featurestoreId
	name  string // featurestoreName, "<owner>_featurestore"
}

// Stores lists the feature stores a session bound to project may read: the
// project's own store first, then the stores shared with it, sorted by
// owner (GET /project/{id}/featurestores?include_shared=true). project is
// normally the connected project; another project the user belongs to
// works too. An unknown project is an error wrapping connector.ErrNotFound.
func (c *Client) Stores(ctx context.Context, project string) ([]connector.Store, error) {
	infos, err := c.readableStores(ctx, project)
	if err != nil {
		return nil, err
	}
	stores := make([]connector.Store, len(infos))
	for i, s := range infos {
		stores[i] = s.store
	}
	return stores, nil
}

// readableStores returns the stores readable from project, own store first,
// from the cache or the cluster. The result must not be modified.
func (c *Client) readableStores(ctx context.Context, project string) ([]storeInfo, error) {
	return c.stores.get(ctx, strings.ToLower(project), func(ctx context.Context) ([]storeInfo, error) {
		p, err := c.lookupProject(ctx, project)
		if err != nil {
			return nil, err
		}
		var dtos []featureStoreDTO
		q := url.Values{"include_shared": {"true"}}
		if err := c.get(ctx, &dtos, q, "project", strconv.FormatInt(p.ProjectID, 10), "featurestores"); err != nil {
			return nil, fmt.Errorf("hopsworks: listing the feature stores of project %q: %w", project, err)
		}
		return storesFromDTOs(p, dtos)
	})
}

// lookupProject returns the project called name: the connected project, or
// another one looked up by name (cached).
func (c *Client) lookupProject(ctx context.Context, name string) (projectDTO, error) {
	if strings.EqualFold(name, c.project.ProjectName) {
		return c.project, nil
	}
	return c.projects.get(ctx, strings.ToLower(name), func(ctx context.Context) (projectDTO, error) {
		var p projectDTO
		if err := c.get(ctx, &p, nil, "project", "getProjectInfo", name); err != nil {
			if errors.Is(err, connector.ErrNotFound) {
				return p, fmt.Errorf("hopsworks: project %q %w: %w", name, connector.ErrNotFound, err)
			}
			return p, fmt.Errorf("hopsworks: looking up project %q: %w", name, err)
		}
		if p.ProjectID == 0 {
			return p, fmt.Errorf("hopsworks: the answer to the lookup of project %q holds no projectId", name)
		}
		return p, nil
	})
}

// storesFromDTOs maps the feature stores listed for project p: its own
// store (the one p owns) first, then the shared ones by owner. The own
// store's description is the project's; shared stores carry the legacy
// store description if the backend sends one.
func storesFromDTOs(p projectDTO, dtos []featureStoreDTO) ([]storeInfo, error) {
	var own *storeInfo
	var shared []storeInfo
	ownName := strings.ToLower(p.ProjectName) + connector.StoreSuffix
	for _, d := range dtos {
		owner := strings.ToLower(d.ProjectName)
		if owner == "" {
			owner = strings.TrimSuffix(strings.ToLower(d.FeaturestoreName), connector.StoreSuffix)
		}
		if owner == "" {
			continue
		}
		s := storeInfo{
			store: connector.Store{Project: owner, Description: d.Description},
			id:    d.FeaturestoreID,
			name:  d.FeaturestoreName,
		}
		if d.ProjectID == p.ProjectID || (d.ProjectID == 0 && strings.EqualFold(d.FeaturestoreName, ownName)) {
			if own == nil {
				s.store.Description = p.Description
				own = &s
			}
			continue
		}
		s.store.Shared = true
		shared = append(shared, s)
	}
	if own == nil {
		return nil, fmt.Errorf("hopsworks: the cluster listed %d feature stores for project %q but not the project's own store %s", len(dtos), p.ProjectName, ownName)
	}
	slices.SortStableFunc(shared, func(a, b storeInfo) int { return cmp.Compare(a.store.Project, b.store.Project) })
	shared = slices.CompactFunc(shared, func(a, b storeInfo) bool { return a.store.Project == b.store.Project })
	return append([]storeInfo{*own}, shared...), nil
}

// readableStore returns the store of owner as readable from the connected
// project. A store that is not readable is an error wrapping ErrNotShared
// if the project exists and connector.ErrNotFound if it does not.
func (c *Client) readableStore(ctx context.Context, owner string) (storeInfo, error) {
	stores, err := c.readableStores(ctx, c.project.ProjectName)
	if err != nil {
		return storeInfo{}, err
	}
	owner = strings.ToLower(owner)
	for _, s := range stores {
		if s.store.Project == owner {
			return s, nil
		}
	}
	// Tell a project that does not exist from one that does: the lookup
	// by name answers 404 for the first, and the project or 403 (not a
	// member) for the second.
	_, err = c.lookupProject(ctx, owner)
	if err != nil && !errors.Is(err, ErrForbidden) {
		return storeInfo{}, err
	}
	return storeInfo{}, &notSharedError{owner: owner, project: c.project.ProjectName}
}

// notSharedError reports a feature store that is not readable from the
// connected project.
type notSharedError struct {
	owner, project string
}

func (e *notSharedError) Error() string {
	return fmt.Sprintf("hopsworks: feature store %s is not shared with project %s: ask the owners of project %s to share it, or connect to project %s",
		e.owner+connector.StoreSuffix, e.project, e.owner, e.owner)
}

// Unwrap returns ErrNotShared.
func (e *notSharedError) Unwrap() error { return ErrNotShared }
