package catalog

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hopsql/hopsql/connector"
)

// ProjectLister is implemented by sources that can list every project they
// hold, readable by the session or not; the local store does. With it the
// catalog tells a project that is not shared with the session
// (*NotSharedError) from one that does not exist (*NotFoundError); without
// it, it reports a *NotFoundError with MayExist set.
type ProjectLister interface {
	// Projects returns the own store of every project the source holds.
	Projects(ctx context.Context) ([]connector.Store, error)
}

// Table is a table name resolved to a feature group the session may read.
type Table struct {
	// Ref is the name that was resolved, as passed to Resolve.
	Ref Name
	// FeatureGroup is the feature group version the name denotes. It is
	// shared with the catalog and other callers: treat it as read-only.
	FeatureGroup *connector.FeatureGroup
	// Store is the feature store that holds the feature group; Store.Shared
	// reports that it belongs to another project and is read-only.
	Store connector.Store
	// Source is the backend to plan scans of FeatureGroup with.
	Source connector.Source
	// Latest reports that the name gave no version and was resolved to the
	// feature group's highest one.
	Latest bool
}

// An Option configures a Catalog.
type Option func(*options)

type options struct {
	ttl      time.Duration
	now      func() time.Time
	attached []AttachedSource
}

// WithMetadataTTL makes the catalog keep the list of readable stores and
// each store's feature groups for d after fetching them, instead of asking
// the source on every call. Metadata changed in the meantime is not seen
// until d has passed. The default, and any d <= 0, is no caching.
func WithMetadataTTL(d time.Duration) Option {
	return func(o *options) { o.ttl = d }
}

// AttachedSource is a source whose every project a session may read
// besides its own source's stores: an embedded store attached to a
// Hopsworks session, say. See WithAttached.
type AttachedSource interface {
	connector.Source
	ProjectLister
}

// WithAttached attaches src to the session: every project src lists
// becomes a readable store (Shared, read-only like every store), whose
// feature groups are read with src. A query can then join them with the
// session's own source, the joins running in the engine. An attached
// project named like a store the session's own source shows is an error:
// a name must mean one feature store.
func WithAttached(src AttachedSource) Option {
	return func(o *options) { o.attached = append(o.attached, src) }
}

// withClock replaces time.Now for cache expiry; tests use it.
func withClock(now func() time.Time) Option {
	return func(o *options) { o.now = now }
}

// Catalog answers, for a session bound to one project, what the session may
// read and what a table name means. A Catalog is safe for concurrent use.
// It only reads metadata: it offers no way to change a store.
type Catalog struct {
	src      connector.Source
	attached []AttachedSource
	project  string
	ttl      time.Duration
	now      func() time.Time

	mu     sync.Mutex // guards the fields below
	stores cached[[]connector.Store]
	groups map[string]cached[[]*connector.FeatureGroup]
	// sources maps the projects of attached stores to their source, as of
	// the last listing of stores.
	sources map[string]connector.Source
}

// cached is a value fetched from the source and the time it goes stale.
type cached[T any] struct {
	val     T
	expires time.Time
}

// New returns a catalog for sessions bound to project (case-insensitive)
// that reads metadata from src. It asks src for the project's stores, and
// fails with a *NotFoundError if the project does not exist.
func New(ctx context.Context, src connector.Source, project string, opts ...Option) (*Catalog, error) {
	if src == nil {
		return nil, errors.New("catalog.New: nil source")
	}
	if project == "" {
		return nil, errors.New("invalid project name: the name is empty")
	}
	if msg := checkIdent(project); msg != "" {
		return nil, fmt.Errorf("invalid project name %q: %s", project, msg)
	}
	o := options{now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	c := &Catalog{
		src:      src,
		attached: o.attached,
		project:  strings.ToLower(project),
		ttl:      max(o.ttl, 0),
		now:      o.now,
		groups:   make(map[string]cached[[]*connector.FeatureGroup]),
	}
	if _, err := c.readable(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// Project returns the session's project, lower-case.
func (c *Catalog) Project() string { return c.project }

// Stores returns the feature stores the session may read: the project's own
// store first (Shared false), then the stores shared with it, ordered by
// owning project.
func (c *Catalog) Stores(ctx context.Context) ([]connector.Store, error) {
	stores, err := c.readable(ctx)
	return slices.Clone(stores), err
}

// FeatureGroups returns every version of every feature group in the store
// of project, ordered by name and version. Project "" is the session's
// project; other projects must have shared their store with it.
// InfoSchemaProject lists the information_schema views. The feature
// groups are shared with the catalog and other callers: treat them as
// read-only.
func (c *Catalog) FeatureGroups(ctx context.Context, project string) ([]*connector.FeatureGroup, error) {
	if strings.EqualFold(project, InfoSchemaProject) {
		return NewInfoSchema(c).FeatureGroups(ctx, InfoSchemaProject)
	}
	store, _, err := c.store(ctx, project)
	if err != nil {
		return nil, err
	}
	fgs, err := c.featureGroups(ctx, store.Project)
	return slices.Clone(fgs), err
}

// Resolve returns the feature group n denotes. In the store of n.Project
// (the session's project if empty), a feature group whose table name
// (<name>_<version>) equals n.Table wins; failing that, n.Table is taken as
// a feature group name and resolves to its highest version. Names are
// matched case-insensitively.
//
// Project InfoSchemaProject names the information_schema views (see
// InfoSchema), which every session may read.
//
// Resolve fails with a *NotSharedError if the store exists but is not
// readable from the session's project, and with a *NotFoundError, which
// suggests close readable names, if the project or the feature group does
// not exist. Close names are looked for in every readable store; listing
// errors met while looking are ignored.
func (c *Catalog) Resolve(ctx context.Context, n Name) (*Table, error) {
	table := strings.ToLower(n.Table)
	if table == "" {
		return nil, errors.New("invalid table name: the name is empty")
	}
	if strings.EqualFold(n.Project, InfoSchemaProject) {
		return c.resolveInfoSchema(n, table)
	}
	store, stores, err := c.store(ctx, n.Project)
	if err != nil {
		return nil, err
	}
	fgs, err := c.featureGroups(ctx, store.Project)
	if err != nil {
		return nil, err
	}
	var latest *connector.FeatureGroup
	for _, fg := range fgs {
		if fg.TableName() == table {
			return &Table{Ref: n, FeatureGroup: fg, Store: store, Source: c.sourceOf(store.Project)}, nil
		}
		if fg.Name == table && (latest == nil || fg.Version > latest.Version) {
			latest = fg
		}
	}
	if latest != nil {
		return &Table{Ref: n, FeatureGroup: latest, Store: store, Source: c.sourceOf(store.Project), Latest: true}, nil
	}
	return nil, &NotFoundError{
		Project:     store.Project,
		Table:       table,
		Session:     c.project,
		Suggestions: c.suggestTables(ctx, table, store, stores),
	}
}

// suggestTables returns readable table and feature group names close to
// table, at most one per feature group, preferring those in store, written
// as the session writes them.
func (c *Catalog) suggestTables(ctx context.Context, table string, store connector.Store, stores []connector.Store) []string {
	// Search the store that was named first, so that its names win ties.
	order := make([]connector.Store, 0, len(stores))
	order = append(order, store)
	for _, s := range stores {
		if s.Project != store.Project {
			order = append(order, s)
		}
	}
	var cands []candidate
	for _, s := range order {
		fgs, err := c.featureGroups(ctx, s.Project)
		if err != nil {
			continue
		}
		prefix := ""
		if s.Project != c.project {
			prefix = s.Project + "::"
		}
		// One suggestion per feature group: the closest of its table names
		// and its name.
		for i, fg := range fgs {
			group := prefix + fg.Name
			t := fg.TableName()
			cands = append(cands, candidate{key: t, text: prefix + t, group: group})
			if i == len(fgs)-1 || fgs[i+1].Name != fg.Name {
				cands = append(cands, candidate{key: fg.Name, text: group, group: group})
			}
		}
	}
	return suggest(table, cands)
}

// store returns the readable store of project ("" for the session's) and
// all readable stores, or the error that explains why it is not readable.
func (c *Catalog) store(ctx context.Context, project string) (connector.Store, []connector.Store, error) {
	p := strings.ToLower(project)
	if p == "" {
		p = c.project
	}
	stores, err := c.readable(ctx)
	if err != nil {
		return connector.Store{}, nil, err
	}
	for _, s := range stores {
		if s.Project == p {
			return s, stores, nil
		}
	}
	names := make([]string, len(stores))
	for i, s := range stores {
		names[i] = s.Project
	}
	notFound := &NotFoundError{Project: p, Session: c.project, Suggestions: Suggest(p, names)}
	lister, ok := c.src.(ProjectLister)
	if !ok {
		notFound.MayExist = true
		return connector.Store{}, nil, notFound
	}
	all, err := lister.Projects(ctx)
	if err != nil {
		return connector.Store{}, nil, fmt.Errorf("looking up project %q: %w", p, err)
	}
	for _, s := range all {
		if s.Project == p {
			return connector.Store{}, nil, &NotSharedError{Owner: p, Project: c.project}
		}
	}
	return connector.Store{}, nil, notFound
}

// readable returns the stores the session may read, own store first, from
// the cache or the source. The result must not be modified.
func (c *Catalog) readable(ctx context.Context) ([]connector.Store, error) {
	if c.ttl > 0 {
		c.mu.Lock()
		e := c.stores
		c.mu.Unlock()
		if e.val != nil && c.now().Before(e.expires) {
			return e.val, nil
		}
	}
	stores, err := c.src.Stores(ctx, c.project)
	if err != nil {
		if errors.Is(err, connector.ErrNotFound) {
			return nil, c.unknownProject(ctx)
		}
		return nil, fmt.Errorf("listing the feature stores of project %q: %w", c.project, err)
	}
	// Own store first, then shared stores by owner; sources promise the
	// first part, the catalog makes the order deterministic.
	own := func(s connector.Store) bool { return !s.Shared && s.Project == c.project }
	stores = slices.Clone(stores)
	slices.SortStableFunc(stores, func(a, b connector.Store) int {
		if own(a) != own(b) {
			if own(a) {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.Project, b.Project)
	})
	if len(stores) == 0 || !own(stores[0]) {
		return nil, fmt.Errorf("listing the feature stores of project %q: the source did not list the project's own store", c.project)
	}
	stores, sources, err := c.withAttached(ctx, stores)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.sources = sources
	if c.ttl > 0 {
		c.stores = cached[[]connector.Store]{val: stores, expires: c.now().Add(c.ttl)}
	}
	c.mu.Unlock()
	return stores, nil
}

// withAttached appends the stores of the attached sources to stores, and
// returns which source each attached project belongs to.
func (c *Catalog) withAttached(ctx context.Context, stores []connector.Store) ([]connector.Store, map[string]connector.Source, error) {
	if len(c.attached) == 0 {
		return stores, nil, nil
	}
	taken := make(map[string]bool, len(stores))
	for _, s := range stores {
		taken[s.Project] = true
	}
	sources := make(map[string]connector.Source)
	for _, src := range c.attached {
		projects, err := src.Projects(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("listing the projects of an attached store: %w", err)
		}
		slices.SortFunc(projects, func(a, b connector.Store) int { return cmp.Compare(a.Project, b.Project) })
		for _, p := range projects {
			if taken[p.Project] {
				return nil, nil, fmt.Errorf("the attached store's project %q has the name of a feature store the session already reads; a name must mean one store: attach a store without it", p.Project)
			}
			taken[p.Project] = true
			p.Shared = true
			stores = append(stores, p)
			sources[p.Project] = src
		}
	}
	return stores, sources, nil
}

// sourceOf returns the source that holds the store of project: an
// attached source, or the session's own.
func (c *Catalog) sourceOf(project string) connector.Source {
	c.mu.Lock()
	defer c.mu.Unlock()
	if src, ok := c.sources[project]; ok {
		return src
	}
	return c.src
}

// unknownProject returns the error for a session project the source does
// not know, suggesting close project names if the source can list them.
func (c *Catalog) unknownProject(ctx context.Context) error {
	err := &NotFoundError{Project: c.project, Session: c.project}
	if lister, ok := c.src.(ProjectLister); ok {
		if all, lerr := lister.Projects(ctx); lerr == nil {
			names := make([]string, len(all))
			for i, s := range all {
				names[i] = s.Project
			}
			err.Suggestions = Suggest(c.project, names)
		}
	}
	return err
}

// featureGroups returns the feature groups of project's store, ordered by
// name and version, from the cache or the source. The result must not be
// modified.
func (c *Catalog) featureGroups(ctx context.Context, project string) ([]*connector.FeatureGroup, error) {
	if c.ttl > 0 {
		c.mu.Lock()
		e, ok := c.groups[project]
		c.mu.Unlock()
		if ok && c.now().Before(e.expires) {
			return e.val, nil
		}
	}
	fgs, err := c.sourceOf(project).FeatureGroups(ctx, project)
	if err != nil {
		return nil, fmt.Errorf("listing the feature groups of project %q: %w", project, err)
	}
	fgs = slices.Clone(fgs)
	slices.SortStableFunc(fgs, func(a, b *connector.FeatureGroup) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Version, b.Version))
	})
	if c.ttl > 0 {
		c.mu.Lock()
		c.groups[project] = cached[[]*connector.FeatureGroup]{val: fgs, expires: c.now().Add(c.ttl)}
		c.mu.Unlock()
	}
	return fgs, nil
}
