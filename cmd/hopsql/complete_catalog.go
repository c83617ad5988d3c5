package main

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
)

// catalogNames is what the REPL knows of the catalog: the readable
// projects, their feature groups and their features, as information_schema
// lists them. Completion and \d read it; it is loaded once per REPL session
// and again on \d.
type catalogNames struct {
	project  string   // the session's project
	projects []string // readable projects, the session's first
	tables   []*catalogTable
}

// catalogTable is a feature group version.
type catalogTable struct {
	project     string
	name        string // the table name, <feature group>_<version>
	group       string // the feature group
	version     int64
	description string
	columns     []catalogColumn
}

// catalogColumn is a feature.
type catalogColumn struct {
	name      string
	typ       string
	primary   bool
	eventTime bool
}

// sqlName is the table's name as the session writes it: name for a table
// of the session's project, project::name for one of another project.
func (c *catalogNames) sqlName(t *catalogTable) string {
	if t.project == c.project || t.project == infoSchema {
		if t.project == infoSchema {
			return infoSchema + "." + t.name
		}
		return t.name
	}
	return t.project + "::" + t.name
}

// infoSchema is the pseudo-project of the catalog views.
const infoSchema = "information_schema"

// infoSchemaViews are the catalog views, which information_schema does not
// list among the tables.
var infoSchemaViews = [...]string{"columns", "schemata", "tables"}

// sessionProject returns the session's project: the first feature store
// information_schema.schemata lists, the only one not shared with it.
func sessionProject(ctx context.Context, conn *sql.Conn) (project string, shared []string, err error) {
	rows, err := conn.QueryContext(ctx, "SELECT schema_owner, shared FROM information_schema.schemata")
	if err != nil {
		return "", nil, fmt.Errorf("listing the feature stores: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var owner string
		var isShared bool
		if err := rows.Scan(&owner, &isShared); err != nil {
			return "", nil, fmt.Errorf("listing the feature stores: %w", err)
		}
		if isShared {
			shared = append(shared, owner)
		} else if project == "" {
			project = owner
		}
	}
	if err := rows.Err(); err != nil {
		return "", nil, fmt.Errorf("listing the feature stores: %w", err)
	}
	return project, shared, nil
}

// loadCatalog reads the catalog through information_schema on conn.
func loadCatalog(ctx context.Context, conn *sql.Conn) (*catalogNames, error) {
	project, shared, err := sessionProject(ctx, conn)
	if err != nil {
		return nil, err
	}
	c := &catalogNames{project: project, projects: append([]string{project}, shared...)}
	byKey := map[[2]string]*catalogTable{}
	err = queryRows(ctx, conn, "SELECT table_schema, table_name, feature_group, version, table_comment FROM information_schema.tables",
		func(scan func(...any) error) error {
			t := &catalogTable{}
			var schema string
			if err := scan(&schema, &t.name, &t.group, &t.version, &t.description); err != nil {
				return err
			}
			t.project = strings.TrimSuffix(schema, "_featurestore")
			c.tables = append(c.tables, t)
			byKey[[2]string{schema, t.name}] = t
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("listing the feature groups: %w", err)
	}
	err = queryRows(ctx, conn, "SELECT table_schema, table_name, column_name, data_type, is_primary_key, is_event_time FROM information_schema.columns",
		func(scan func(...any) error) error {
			var schema, table string
			var col catalogColumn
			if err := scan(&schema, &table, &col.name, &col.typ, &col.primary, &col.eventTime); err != nil {
				return err
			}
			if t := byKey[[2]string{schema, table}]; t != nil {
				t.columns = append(t.columns, col)
			}
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("listing the features: %w", err)
	}
	for _, v := range infoSchemaViews {
		t := &catalogTable{project: infoSchema, name: v, group: v, version: 1}
		rows, err := conn.QueryContext(ctx, "SELECT * FROM "+infoSchema+"."+v+" LIMIT 0")
		if err != nil {
			return nil, fmt.Errorf("reading %s.%s: %w", infoSchema, v, err)
		}
		names, err := rows.Columns()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("reading %s.%s: %w", infoSchema, v, err)
		}
		for _, n := range names {
			t.columns = append(t.columns, catalogColumn{name: n})
		}
		c.tables = append(c.tables, t)
	}
	return c, nil
}

// queryRows runs query on conn and calls row for each row, with the rows'
// Scan.
func queryRows(ctx context.Context, conn *sql.Conn, query string, row func(scan func(...any) error) error) error {
	rows, err := conn.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// projectOf returns the project a qualifier names: a project, or a
// feature store (<project>_featurestore), in any case; "" if none does or
// c is nil.
func (c *catalogNames) projectOf(qualifier string) string {
	if c == nil {
		return ""
	}
	q := strings.ToLower(unquoteName(qualifier))
	if q == infoSchema {
		return infoSchema
	}
	q = strings.TrimSuffix(q, "_featurestore")
	if slices.Contains(c.projects, q) {
		return q
	}
	return ""
}

// tablesOf returns the tables of project, by name.
func (c *catalogNames) tablesOf(project string) []*catalogTable {
	var ts []*catalogTable
	for _, t := range c.tables {
		if t.project == project {
			ts = append(ts, t)
		}
	}
	slices.SortFunc(ts, func(a, b *catalogTable) int { return cmp.Compare(a.name, b.name) })
	return ts
}

// resolve returns the table a name in SQL refers to, as the catalog
// resolves it (fg_1, fg for its latest version, project::fg_1,
// project.fg_1, project_featurestore.fg_1, information_schema.view), or
// nil.
func (c *catalogNames) resolve(ref string) *catalogTable {
	if c == nil {
		return nil
	}
	ref = strings.ToLower(ref)
	project, table := c.project, ref
	if p, t, ok := strings.Cut(ref, "::"); ok {
		project, table = unquoteName(p), t
	} else if i := strings.LastIndexByte(ref, '.'); i >= 0 {
		if project = c.projectOf(ref[:i]); project == "" {
			return nil
		}
		table = ref[i+1:]
	}
	table = unquoteName(table)
	var latest *catalogTable
	for _, t := range c.tables {
		if t.project != project {
			continue
		}
		if t.name == table {
			return t
		}
		if t.group == table && (latest == nil || t.version > latest.version) {
			latest = t
		}
	}
	return latest
}

// unquoteName removes the backquotes or double quotes around a name.
func unquoteName(s string) string {
	if len(s) >= 2 && (s[0] == '`' || s[0] == '"') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}
