package local

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hopsql/hopsql/connector"
)

// DefaultBatchSize is the number of rows a scan puts in a batch unless
// Warehouse.BatchSize says otherwise.
const DefaultBatchSize = 64 << 10

// Warehouse is an embedded feature store kept in a directory (see the package
// documentation for the layout). It reads the directory afresh on every call
// and holds no other state, so it is safe for concurrent use and sees
// changes made on disk.
type Warehouse struct {
	// BatchSize is the largest number of rows in a batch that a scan
	// yields. Open sets it to DefaultBatchSize; change it before the
	// Warehouse is shared between goroutines.
	BatchSize int

	dir     string
	footers *footerCache
}

var _ connector.Source = (*Warehouse)(nil)

// Open returns the Warehouse kept in dir, which must be an existing
// directory. It reads nothing else: problems in the metadata are reported
// by the calls that meet them.
func Open(dir string) (*Warehouse, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("local: opening warehouse: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("local: opening warehouse: %s is not a directory; a warehouse is a directory holding one directory per project", dir)
	}
	return &Warehouse{BatchSize: DefaultBatchSize, dir: filepath.Clean(dir), footers: newFooterCache(footerCacheBudget)}, nil
}

// Dir returns the warehouse directory.
func (w *Warehouse) Dir() string { return w.dir }

// Projects lists every project in the warehouse, sorted by name, each as
// its own (not shared) feature store. A project is a subdirectory of the
// warehouse whose name does not start with a dot.
func (w *Warehouse) Projects(ctx context.Context) ([]connector.Store, error) {
	infos, err := w.projects(ctx)
	if err != nil {
		return nil, err
	}
	stores := make([]connector.Store, len(infos))
	for i, p := range infos {
		stores[i] = connector.Store{Project: p.name, Description: p.description}
	}
	return stores, nil
}

// Stores lists the feature stores a session bound to project may read: the
// project's own store first, then, sorted by name, the stores of the
// projects whose project.json shares them with project.
func (w *Warehouse) Stores(ctx context.Context, project string) ([]connector.Store, error) {
	infos, err := w.projects(ctx)
	if err != nil {
		return nil, err
	}
	project = strings.ToLower(project)
	var own *projectInfo
	var shared []connector.Store
	for i, p := range infos {
		if p.name == project {
			own = &infos[i]
			continue
		}
		for _, s := range p.sharedWith {
			if s == project {
				shared = append(shared, connector.Store{Project: p.name, Shared: true, Description: p.description})
				break
			}
		}
	}
	if own == nil {
		return nil, w.projectNotFound(project, infos)
	}
	return append([]connector.Store{{Project: own.name, Description: own.description}}, shared...), nil
}

// FeatureGroups lists every version of every feature group of project,
// sorted by name and version. A feature group is a subdirectory
// <name>_<version> of the project that holds featuregroup.json.
func (w *Warehouse) FeatureGroups(ctx context.Context, project string) ([]*connector.FeatureGroup, error) {
	pdir, err := w.projectDir(ctx, project)
	if err != nil {
		return nil, err
	}
	dirs, err := subdirs(pdir.path)
	if err != nil {
		return nil, err
	}
	var fgs []*connector.FeatureGroup
	seen := make(map[string]string)
	for _, d := range dirs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		fg, err := readFeatureGroup(pdir.name, d)
		if err != nil {
			return nil, err
		}
		if fg == nil {
			continue
		}
		if other, dup := seen[fg.TableName()]; dup {
			return nil, fmt.Errorf("local: directories %s and %s both hold feature group %s; names are case-insensitive, so remove or rename one", other, d.path, fg.QualifiedName())
		}
		seen[fg.TableName()] = d.path
		fgs = append(fgs, fg)
	}
	sort.Slice(fgs, func(i, j int) bool {
		if fgs[i].Name != fgs[j].Name {
			return fgs[i].Name < fgs[j].Name
		}
		return fgs[i].Version < fgs[j].Version
	})
	return fgs, nil
}

// readFeatureGroup reads the feature group in directory d of project. It
// returns nil if d holds no featuregroup.json and no Parquet file, so is not
// a feature group.
func readFeatureGroup(project string, d dirEntry) (*connector.FeatureGroup, error) {
	path := filepath.Join(d.path, FeatureGroupFileName)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		files, lerr := parquetFiles(d.path)
		if lerr != nil {
			return nil, lerr
		}
		if len(files) == 0 {
			return nil, nil
		}
		return nil, fmt.Errorf("local: %s holds Parquet files but no %s; add one that describes the feature group (see the README for its form)", d.path, FeatureGroupFileName)
	}
	if err != nil {
		return nil, fmt.Errorf("local: reading feature group: %w", err)
	}
	return parseFeatureGroup(path, project, d.base, data)
}

// dirEntry is a subdirectory: its path, its name on disk and that name
// lower-cased.
type dirEntry struct {
	path, base, name string
}

// subdirs lists the subdirectories of dir whose names do not start with a
// dot, following symbolic links, sorted by name on disk.
func subdirs(dir string) ([]dirEntry, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("local: listing %s: %w", dir, err)
	}
	var out []dirEntry
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		isDir := e.IsDir()
		if e.Type()&fs.ModeSymlink != 0 {
			if fi, err := os.Stat(path); err == nil {
				isDir = fi.IsDir()
			}
		}
		if isDir {
			out = append(out, dirEntry{path: path, base: e.Name(), name: strings.ToLower(e.Name())})
		}
	}
	return out, nil
}

// projectDirs lists the project directories of the warehouse and fails if
// two of them differ only in case.
func (w *Warehouse) projectDirs() ([]dirEntry, error) {
	dirs, err := subdirs(w.dir)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]string, len(dirs))
	for _, d := range dirs {
		if other, dup := seen[d.name]; dup {
			return nil, fmt.Errorf("local: directories %s and %s both hold project %q; project names are case-insensitive, so remove or rename one", other, d.path, d.name)
		}
		seen[d.name] = d.path
	}
	sort.Slice(dirs, func(i, j int) bool { return dirs[i].name < dirs[j].name })
	return dirs, nil
}

// projectDir finds the directory of project, case-insensitively.
func (w *Warehouse) projectDir(ctx context.Context, project string) (dirEntry, error) {
	if err := ctx.Err(); err != nil {
		return dirEntry{}, err
	}
	dirs, err := w.projectDirs()
	if err != nil {
		return dirEntry{}, err
	}
	project = strings.ToLower(project)
	for _, d := range dirs {
		if d.name == project {
			return d, nil
		}
	}
	infos := make([]projectInfo, len(dirs))
	for i, d := range dirs {
		infos[i].name = d.name
	}
	return dirEntry{}, w.projectNotFound(project, infos)
}

// projects reads every project of the warehouse, sorted by name.
func (w *Warehouse) projects(ctx context.Context) ([]projectInfo, error) {
	dirs, err := w.projectDirs()
	if err != nil {
		return nil, err
	}
	infos := make([]projectInfo, 0, len(dirs))
	for _, d := range dirs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		info, err := readProject(d)
		if err != nil {
			return nil, err
		}
		infos = append(infos, info)
	}
	return infos, nil
}

// readProject reads the optional project.json of the project in d.
func readProject(d dirEntry) (projectInfo, error) {
	path := filepath.Join(d.path, ProjectFileName)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return projectInfo{name: d.name}, nil
	}
	if err != nil {
		return projectInfo{}, fmt.Errorf("local: reading project: %w", err)
	}
	return parseProject(path, d.base, data)
}

func (w *Warehouse) projectNotFound(project string, known []projectInfo) error {
	if len(known) == 0 {
		return fmt.Errorf("local: project %q %w in warehouse %s, which has no projects; a project is a directory of the warehouse", project, connector.ErrNotFound, w.dir)
	}
	names := make([]string, len(known))
	for i, p := range known {
		names[i] = p.name
	}
	return fmt.Errorf("local: project %q %w in warehouse %s; its projects are %s", project, connector.ErrNotFound, w.dir, strings.Join(names, ", "))
}

// featureGroupDir finds the directory of fg in the warehouse.
func (w *Warehouse) featureGroupDir(ctx context.Context, fg *connector.FeatureGroup) (string, error) {
	pdir, err := w.projectDir(ctx, fg.Project)
	if err != nil {
		return "", err
	}
	dirs, err := subdirs(pdir.path)
	if err != nil {
		return "", err
	}
	table := strings.ToLower(fg.TableName())
	for _, d := range dirs {
		if d.name == table {
			return d.path, nil
		}
	}
	return "", fmt.Errorf("local: feature group %s %w: there is no directory %s in %s", fg.QualifiedName(), connector.ErrNotFound, table, pdir.path)
}
