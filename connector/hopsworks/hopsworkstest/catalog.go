package hopsworkstest

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hopsql/hopsql/connector"
	"github.com/hopsql/hopsql/connector/local"
)

// Ids the catalog hands out. They are deterministic: projects, stores and
// feature groups are numbered in sorted order from these bases, which are
// far apart so that a client mixing up a project id, a store id and a
// feature group id gets a not-found instead of the wrong object.
const (
	firstProjectID      = 119
	firstStoreID        = 67
	firstFeatureGroupID = 1001
	firstUserID         = 10000
)

// AdminUser is the user that is a member of every project.
const AdminUser = "admin"

// UserSuffix is appended to a project's name to form the name of the user
// who owns it (fraud_user for fraud).
const UserSuffix = "_user"

// Team roles of the backend.
const (
	roleDataOwner     = "Data owner"
	roleDataScientist = "Data scientist"
)

// createdBase is the creation time of every project and store; feature
// group i was created i minutes later, so that sorting on creation is
// well defined.
var createdBase = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// catalog is the server's immutable view of the warehouse, built at Start.
type catalog struct {
	projects []*project // sorted by name
	users    []*user    // admin first, then by name
	fgByID   map[int]*featureGroup
}

// project is a Hopsworks project and its feature store.
type project struct {
	id          int
	name        string
	description string
	owner       *user
	// members maps a username to its team role.
	members map[string]string
	store   *store
	// sharedWith lists the projects this project's store is shared with.
	sharedWith map[string]bool
}

// store is a project's feature store.
type store struct {
	id      int
	project *project
	groups  []*featureGroup // sorted by name and version, ids ascending
}

// name returns the store's name, "<project>_featurestore".
func (s *store) name() string { return s.project.name + connector.StoreSuffix }

// featureGroup is one version of a feature group.
type featureGroup struct {
	id    int
	store *store
	meta  *connector.FeatureGroup
}

// created returns the feature group's creation time.
func (fg *featureGroup) created() time.Time {
	return createdBase.Add(time.Duration(fg.id-firstFeatureGroupID+1) * time.Minute)
}

// user is a Hopsworks user.
type user struct {
	uid      int
	username string
}

func (u *user) email() string { return u.username + "@hopsworks.ai" }

// loadCatalog reads the warehouse in dir. shares maps an owner project to
// the projects its store is shared with; unless strict, entries naming
// projects the warehouse does not have are ignored.
func loadCatalog(ctx context.Context, dir string, shares map[string][]string, strict bool) (*catalog, error) {
	w, err := local.Open(dir)
	if err != nil {
		return nil, err
	}
	stores, err := w.Projects(ctx)
	if err != nil {
		return nil, err
	}
	c := &catalog{fgByID: make(map[int]*featureGroup)}
	admin := &user{uid: firstUserID, username: AdminUser}
	c.users = append(c.users, admin)
	byName := make(map[string]*project, len(stores))
	for i, s := range stores {
		owner := &user{uid: firstUserID + 1 + i, username: s.Project + UserSuffix}
		c.users = append(c.users, owner)
		p := &project{
			id:          firstProjectID + i,
			name:        s.Project,
			description: s.Description,
			owner:       owner,
			members:     map[string]string{owner.username: roleDataOwner, AdminUser: roleDataScientist},
			sharedWith:  make(map[string]bool),
		}
		p.store = &store{id: firstStoreID + i, project: p}
		c.projects = append(c.projects, p)
		byName[p.name] = p
	}
	for owner, targets := range shares {
		p, ok := byName[strings.ToLower(owner)]
		if !ok && !strict {
			continue
		}
		if !ok {
			return nil, fmt.Errorf("hopsworkstest: Config.Shares names project %q, which is not in warehouse %s", owner, dir)
		}
		for _, t := range targets {
			if _, ok := byName[strings.ToLower(t)]; !ok && !strict {
				continue
			} else if !ok {
				return nil, fmt.Errorf("hopsworkstest: Config.Shares shares %s with project %q, which is not in warehouse %s", owner, t, dir)
			}
			p.sharedWith[strings.ToLower(t)] = true
		}
	}
	nextID := firstFeatureGroupID
	for _, p := range c.projects {
		fgs, err := w.FeatureGroups(ctx, p.name)
		if err != nil {
			return nil, err
		}
		for _, meta := range fgs {
			fg := &featureGroup{id: nextID, store: p.store, meta: meta}
			nextID++
			p.store.groups = append(p.store.groups, fg)
			c.fgByID[fg.id] = fg
		}
	}
	return c, nil
}

// projectByName returns the project called name, or nil.
func (c *catalog) projectByName(name string) *project {
	for _, p := range c.projects {
		if p.name == name {
			return p
		}
	}
	return nil
}

// projectByID returns the project with the given id, or nil.
func (c *catalog) projectByID(id int) *project {
	for _, p := range c.projects {
		if p.id == id {
			return p
		}
	}
	return nil
}

// userByName returns the user called name, or nil.
func (c *catalog) userByName(name string) *user {
	for _, u := range c.users {
		if u.username == name {
			return u
		}
	}
	return nil
}

// readableStores returns the stores p may read: its own first, then the
// stores shared with it, sorted by owner name.
func (c *catalog) readableStores(p *project) []*store {
	out := []*store{p.store}
	for _, o := range c.projects {
		if o != p && o.sharedWith[p.name] {
			out = append(out, o.store)
		}
	}
	return out
}

// canRead reports whether project p may read store s.
func canRead(p *project, s *store) bool {
	return s.project == p || s.project.sharedWith[p.name]
}

// membership returns the projects username is a member of, sorted by id.
func (c *catalog) membership(username string) []*project {
	var out []*project
	for _, p := range c.projects {
		if _, ok := p.members[username]; ok {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}
