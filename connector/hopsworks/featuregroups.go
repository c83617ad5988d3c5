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

// Kinds of feature group, from the backend's type discriminator.
const (
	kindCached   = "cached"   // cachedFeaturegroupDTO: offline table managed by Hopsworks
	kindStream   = "stream"   // streamFeatureGroupDTO: the same, written through Kafka
	kindExternal = "external" // onDemandFeaturegroupDTO: data in an external system
)

// groupInfo is a feature group as the client keeps it: the connector's view
// and what reading it needs.
type groupInfo struct {
	fg   *connector.FeatureGroup
	kind string
	dto  featureGroupDTO // as the cluster described it
}

// readable reports whether hopsql can read the feature group's rows.
func (g *groupInfo) readable() bool { return g.kind == kindCached || g.kind == kindStream }

// featureGroupPage is the number of feature groups a Client asks for per
// request.
const featureGroupPage = 100

// maxFeatureGroupPages bounds the pages of one listing, against a server
// that pages forever.
const maxFeatureGroupPages = 10_000

// FeatureGroups lists every version of every feature group in the store
// owned by project, as readable from the connected project, sorted by name
// and version (GET /project/{id}/featurestores/{fsid}/featuregroups,
// paged, with features).
//
// Cached and stream feature groups are listed, and so are external
// (on-demand) ones, whose rows are kept outside Hopsworks: PlanScan reports
// those as unsupported. Spine groups, which hold no rows, feature groups of
// an unknown type, and feature groups whose features have types hopsql
// cannot map are left out, each with a line to Options.Logf.
//
// A store that is not readable from the connected project is an error
// wrapping ErrNotShared, or connector.ErrNotFound if the project does not
// exist.
func (c *Client) FeatureGroups(ctx context.Context, project string) ([]*connector.FeatureGroup, error) {
	groups, err := c.featureGroups(ctx, project)
	if err != nil {
		return nil, err
	}
	fgs := make([]*connector.FeatureGroup, len(groups))
	for i, g := range groups {
		fgs[i] = cloneFeatureGroup(g.fg)
	}
	return fgs, nil
}

// LatestVersion returns the highest version of the feature group called
// name in the store owned by project, or an error wrapping
// connector.ErrNotFound if the store holds no such feature group.
func (c *Client) LatestVersion(ctx context.Context, project, name string) (int, error) {
	groups, err := c.featureGroups(ctx, project)
	if err != nil {
		return 0, err
	}
	return latestVersion(groups, project, name)
}

// latestVersion returns the highest version of name among groups.
func latestVersion(groups []groupInfo, project, name string) (int, error) {
	name = strings.ToLower(name)
	latest := 0
	for _, g := range groups {
		if g.fg.Name == name {
			latest = max(latest, g.fg.Version)
		}
	}
	if latest == 0 {
		return 0, fmt.Errorf("hopsworks: feature group %q %w in the feature store of project %q", name, connector.ErrNotFound, strings.ToLower(project))
	}
	return latest, nil
}

// featureGroups returns the feature groups of owner's store from the cache
// or the cluster. The result must not be modified.
func (c *Client) featureGroups(ctx context.Context, owner string) ([]groupInfo, error) {
	return c.groups.get(ctx, strings.ToLower(owner), func(ctx context.Context) ([]groupInfo, error) {
		st, err := c.readableStore(ctx, owner)
		if err != nil {
			return nil, err
		}
		dtos, err := c.listFeatureGroups(ctx, st.id)
		if err != nil {
			return nil, fmt.Errorf("hopsworks: listing the feature groups of %s: %w", st.name, err)
		}
		return groupsFromDTOs(st.store.Project, dtos, c.logf), nil
	})
}

// group returns what the client knows of fg, which must be a feature group
// the client listed.
func (c *Client) group(ctx context.Context, fg *connector.FeatureGroup) (*groupInfo, error) {
	groups, err := c.featureGroups(ctx, fg.Project)
	if err != nil {
		return nil, err
	}
	for i := range groups {
		if groups[i].fg.Name == fg.Name && groups[i].fg.Version == fg.Version {
			return &groups[i], nil
		}
	}
	return nil, fmt.Errorf("hopsworks: feature group %s %w", fg.QualifiedName(), connector.ErrNotFound)
}

// listFeatureGroups fetches every feature group of the store fsid, page by
// page, with their features. Items the backend omits (an empty page) count
// as none. Feature groups that come without features (a backend that
// ignores expand=features) are fetched one by one.
func (c *Client) listFeatureGroups(ctx context.Context, fsid int64) ([]featureGroupDTO, error) {
	path := []string{"project", c.projectID(), "featurestores", strconv.FormatInt(fsid, 10), "featuregroups"}
	seen := make(map[int64]bool)
	var all []featureGroupDTO
	for page, offset := 0, 0; ; page++ {
		if page == maxFeatureGroupPages {
			return nil, fmt.Errorf("the listing did not end after %d pages", page)
		}
		q := url.Values{
			"expand":  {"features"},
			"sort_by": {"name:asc,version:asc"},
			"offset":  {strconv.Itoa(offset)},
			"limit":   {strconv.Itoa(c.page)},
		}
		var res collectionDTO[featureGroupDTO]
		if err := c.get(ctx, &res, q, path...); err != nil {
			return nil, err
		}
		added := 0
		for _, d := range res.Items {
			if !seen[d.ID] {
				seen[d.ID] = true
				all = append(all, d)
				added++
			}
		}
		offset += len(res.Items)
		// Stop at a short page, at the count, or when a page brings
		// nothing new (a backend that ignores offset).
		if len(res.Items) < c.page || added == 0 || res.Count > 0 && int64(offset) >= res.Count {
			break
		}
	}
	for i := range all {
		if len(all[i].Features) > 0 || all[i].Name == "" {
			continue
		}
		var one []featureGroupDTO
		q := url.Values{"version": {strconv.Itoa(all[i].Version)}, "expand": {"features"}}
		if err := c.get(ctx, &one, q, slices.Concat(path, []string{all[i].Name})...); err != nil {
			return nil, fmt.Errorf("fetching the features of %s version %d: %w", all[i].Name, all[i].Version, err)
		}
		for _, d := range one {
			if d.ID == all[i].ID || d.Version == all[i].Version {
				all[i].Features = d.Features
				break
			}
		}
	}
	return all, nil
}

// groupsFromDTOs maps the feature groups of owner's store, sorted by name
// and version, leaving out (with a log line) those hopsql cannot show.
func groupsFromDTOs(owner string, dtos []featureGroupDTO, logf func(string, ...any)) []groupInfo {
	groups := make([]groupInfo, 0, len(dtos))
	seen := make(map[string]bool, len(dtos))
	for _, d := range dtos {
		g, err := groupFromDTO(owner, d)
		if err != nil {
			logf("hopsworks: leaving out feature group %s version %d of %s: %v", d.Name, d.Version, owner+connector.StoreSuffix, err)
			continue
		}
		if seen[g.fg.TableName()] {
			logf("hopsworks: leaving out a second feature group %s of %s", g.fg.TableName(), owner+connector.StoreSuffix)
			continue
		}
		seen[g.fg.TableName()] = true
		groups = append(groups, g)
	}
	slices.SortFunc(groups, func(a, b groupInfo) int {
		return cmp.Or(cmp.Compare(a.fg.Name, b.fg.Name), cmp.Compare(a.fg.Version, b.fg.Version))
	})
	return groups
}

// groupFromDTO maps one feature group of owner's store, or says why it
// cannot be shown.
func groupFromDTO(owner string, d featureGroupDTO) (groupInfo, error) {
	g := groupInfo{dto: d}
	switch d.Type {
	case typeCachedFeatureGroup:
		g.kind = kindCached
	case typeStreamFeatureGroup:
		g.kind = kindStream
	case typeOnDemandFeatureGroup:
		if d.Spine {
			return g, errors.New("it is a spine group, which holds no rows")
		}
		g.kind = kindExternal
	default:
		return g, fmt.Errorf("its type %q is none of %s, %s and %s", d.Type, typeCachedFeatureGroup, typeStreamFeatureGroup, typeOnDemandFeatureGroup)
	}
	name := strings.ToLower(d.Name)
	switch {
	case name == "":
		return g, errors.New("it has no name")
	case d.Version < 1:
		return g, fmt.Errorf("its version %d is not 1 or more", d.Version)
	case len(d.Features) == 0:
		return g, errors.New("it has no features")
	}
	fg := &connector.FeatureGroup{
		Project:     owner,
		Name:        name,
		Version:     d.Version,
		Description: d.Description,
		EventTime:   strings.ToLower(d.EventTime),
		Features:    make([]connector.Feature, 0, len(d.Features)),
	}
	for _, f := range d.Features {
		fname := strings.ToLower(f.Name)
		if fname == "" {
			return g, errors.New("a feature has no name")
		}
		if _, dup := fg.Feature(fname); dup {
			return g, fmt.Errorf("feature %q appears twice", fname)
		}
		typ := strings.ToLower(strings.TrimSpace(f.Type))
		dt, err := connector.ParseType(typ)
		if err != nil {
			return g, fmt.Errorf("feature %q: %w", fname, err)
		}
		fg.Features = append(fg.Features, connector.Feature{
			Name:        fname,
			Type:        typ,
			DataType:    dt,
			Description: f.Description,
			Primary:     f.Primary,
		})
		if f.Primary {
			fg.PrimaryKey = append(fg.PrimaryKey, fname)
		}
	}
	if fg.EventTime != "" {
		if _, ok := fg.Feature(fg.EventTime); !ok {
			return g, fmt.Errorf("its event time %q is not one of its features", fg.EventTime)
		}
	}
	g.fg = fg
	return g, nil
}

// cloneFeatureGroup returns a copy of fg that shares no slice with it.
func cloneFeatureGroup(fg *connector.FeatureGroup) *connector.FeatureGroup {
	c := *fg
	c.PrimaryKey = slices.Clone(fg.PrimaryKey)
	c.Features = slices.Clone(fg.Features)
	return &c
}
