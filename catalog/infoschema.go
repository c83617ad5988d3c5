package catalog

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/arrow/scalar"

	"github.com/hopsql/hopsql/connector"
)

// InfoSchemaProject is the pseudo-project that holds the information_schema
// views: schemata, tables and columns. Every session may read it; it is
// read-only, and it is not one of the stores Catalog.Stores lists. Its name
// shadows any real project of that name.
const InfoSchemaProject = "information_schema"

// InfoSchemaCatalog is the catalog name information_schema reports for
// every schema and table: a connection is one catalog.
const InfoSchemaCatalog = "hopsql"

// InfoSchema is the connector.Source behind information_schema. It holds no
// rows: a scan lists, when it is opened, what the catalog lets the session
// read, so the views always agree with Catalog.Stores and
// Catalog.FeatureGroups.
//
// Each view is a feature group of InfoSchemaProject with version 1, so that
// FeatureGroup.TableName is well formed ("tables_1"), but it is meant to be
// named without a version: Catalog.Resolve maps information_schema.tables
// (or information_schema::tables, or `information_schema`.`tables`) to it
// with Table.Latest false, since the views have no other versions. The
// versioned name resolves too.
//
// The views list the readable feature stores and their feature groups and
// features, not information_schema itself.
type InfoSchema struct {
	cat *Catalog
}

// NewInfoSchema returns the information_schema of c's session.
func NewInfoSchema(c *Catalog) *InfoSchema { return &InfoSchema{cat: c} }

// Stores returns the information_schema pseudo-store, whatever the project:
// every session may read it.
func (s *InfoSchema) Stores(context.Context, string) ([]connector.Store, error) {
	return []connector.Store{infoSchemaStore()}, nil
}

// FeatureGroups returns the views, ordered by name, if project is
// InfoSchemaProject, and otherwise fails with an error wrapping
// connector.ErrNotFound.
func (s *InfoSchema) FeatureGroups(_ context.Context, project string) ([]*connector.FeatureGroup, error) {
	if !strings.EqualFold(project, InfoSchemaProject) {
		return nil, fmt.Errorf("project %q: %w (the information_schema source holds only %s)", project, connector.ErrNotFound, InfoSchemaProject)
	}
	views := infoViews()
	fgs := make([]*connector.FeatureGroup, len(views))
	for i, v := range views {
		fgs[i] = v.featureGroup()
	}
	return fgs, nil
}

// PlanScan plans a read of the view fg. It reads nothing: the rows are
// listed from the catalog when the scan's partition is opened. Filters on
// the schema column (schema_name, table_schema) that are equalities or IN
// lists of strings limit the stores listed; other filters are left to the
// planner, which applies every filter anyway. Limit is ignored.
func (s *InfoSchema) PlanScan(_ context.Context, fg *connector.FeatureGroup, req connector.ScanRequest) (connector.Scan, error) {
	v := findView(fg)
	if v == nil {
		return nil, fmt.Errorf("%s is not an information_schema view: %w", fg.QualifiedName(), connector.ErrNotFound)
	}
	sc := &infoScan{cat: s.cat, view: v}
	fields := make([]arrow.Field, len(req.Columns))
	for i, name := range req.Columns {
		col := v.column(name)
		if col == nil {
			return nil, fmt.Errorf("information_schema.%s has no column %q", v.name, name)
		}
		sc.cols = append(sc.cols, col)
		fields[i] = arrow.Field{Name: col.name, Type: col.dataType(), Nullable: true}
	}
	sc.schema = arrow.NewSchema(fields, nil)
	sc.schemas = schemaFilter(v.schemaColumn, req.Filter)
	return sc, nil
}

// infoSchemaStore is the pseudo-store of InfoSchemaProject. It is marked
// Shared because it is not the session's and is read-only.
func infoSchemaStore() connector.Store {
	return connector.Store{
		Project:     InfoSchemaProject,
		Shared:      true,
		Description: "Views of the feature stores, feature groups and features the session may read",
	}
}

// resolveInfoSchema resolves table (lower-case) in InfoSchemaProject.
func (c *Catalog) resolveInfoSchema(n Name, table string) (*Table, error) {
	views := infoViews()
	var cands []candidate
	for _, v := range views {
		fg := v.featureGroup()
		if table == v.name || table == fg.TableName() {
			return &Table{Ref: n, FeatureGroup: fg, Store: infoSchemaStore(), Source: NewInfoSchema(c)}, nil
		}
		cands = append(cands, candidate{key: v.name, text: InfoSchemaProject + "." + v.name, group: v.name})
	}
	return nil, &NotFoundError{Project: InfoSchemaProject, Table: table, Session: c.project, Suggestions: suggest(table, cands)}
}

// ColumnType returns f's offline type as catalog statements and
// information_schema show it: type names upper-case, struct field names as
// written, as in DECIMAL(12,2) or ARRAY<STRUCT<id:BIGINT>>. A feature
// without a type string gets the name of its Arrow type.
func ColumnType(f connector.Feature) string {
	t := f.Type
	if t == "" && f.DataType != nil {
		t, _ = connector.TypeName(f.DataType)
	}
	var b strings.Builder
	for i := 0; i < len(t); {
		if !isWordByte(t[i]) {
			b.WriteByte(t[i])
			i++
			continue
		}
		j := i
		for j < len(t) && isWordByte(t[j]) {
			j++
		}
		k := j
		for k < len(t) && t[k] == ' ' {
			k++
		}
		if k < len(t) && t[k] == ':' {
			b.WriteString(t[i:j]) // a struct field name
		} else {
			b.WriteString(strings.ToUpper(t[i:j]))
		}
		i = j
	}
	return b.String()
}

func isWordByte(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// infoScan is a planned read of one view; it is its own single partition.
type infoScan struct {
	cat    *Catalog
	view   *infoView
	cols   []*infoColumn
	schema *arrow.Schema
	// schemas, when not nil, holds the only store names the filters let
	// through.
	schemas map[string]bool
}

// Schema implements connector.Scan.
func (s *infoScan) Schema() *arrow.Schema { return s.schema }

// Partitions implements connector.Scan.
func (s *infoScan) Partitions() []connector.Partition { return []connector.Partition{s} }

// Explain implements connector.Scan.
func (s *infoScan) Explain() []string {
	lines := []string{fmt.Sprintf("catalog view: listed from the stores project %q may read when the query runs", s.cat.project)}
	if s.schemas != nil {
		names := make([]string, 0, len(s.schemas))
		for name := range s.schemas {
			names = append(names, name)
		}
		slices.Sort(names)
		lines = append(lines, "limited to stores "+strings.Join(names, ", ")+" by the filters on "+s.view.schemaColumn)
	}
	return lines
}

// Open implements connector.Partition: it lists the view's rows from the
// catalog and yields them as one batch allocated from mem.
func (s *infoScan) Open(ctx context.Context, mem memory.Allocator) (array.RecordReader, error) {
	rows, err := s.rows(ctx)
	if err != nil {
		return nil, err
	}
	arrs := make([]arrow.Array, len(s.cols))
	defer func() {
		for _, a := range arrs {
			if a != nil {
				a.Release()
			}
		}
	}()
	for i, col := range s.cols {
		arrs[i] = col.build(mem, rows)
	}
	rec := array.NewRecord(s.schema, arrs, int64(len(rows)))
	defer rec.Release()
	rr, err := array.NewRecordReader(s.schema, []arrow.Record{rec})
	if err != nil {
		return nil, err
	}
	return &ctxReader{RecordReader: rr, ctx: ctx}, nil
}

// rows lists the view's rows: readable stores in the catalog's order (own
// store first), their feature groups by name and version, and their
// features in table order.
func (s *infoScan) rows(ctx context.Context) ([]infoRow, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	stores, err := s.cat.readable(ctx)
	if err != nil {
		return nil, err
	}
	var rows []infoRow
	for _, st := range stores {
		if s.schemas != nil && !s.schemas[st.Name()] {
			continue
		}
		if s.view.level == levelSchema {
			rows = append(rows, infoRow{store: st})
			continue
		}
		fgs, err := s.cat.featureGroups(ctx, st.Project)
		if err != nil {
			return nil, err
		}
		for _, fg := range fgs {
			if s.view.level == levelTable {
				rows = append(rows, infoRow{store: st, fg: fg})
				continue
			}
			for i := range fg.Features {
				rows = append(rows, infoRow{store: st, fg: fg, feature: i})
			}
		}
	}
	return rows, nil
}

// ctxReader stops yielding once ctx is done, and then reports ctx.Err().
type ctxReader struct {
	array.RecordReader
	ctx context.Context
	err error
}

func (r *ctxReader) Next() bool {
	if r.err == nil {
		r.err = r.ctx.Err()
	}
	return r.err == nil && r.RecordReader.Next()
}

func (r *ctxReader) Err() error {
	if r.err != nil {
		return r.err
	}
	return r.RecordReader.Err()
}

// schemaFilter returns the store names that the conjuncts in filters let
// through as values of column, or nil if they do not limit them: an
// equality with a string or an IN list of strings limits them, and several
// such conjuncts intersect.
func schemaFilter(column string, filters []connector.Predicate) map[string]bool {
	if column == "" {
		return nil
	}
	var keep map[string]bool
	var walk func(p connector.Predicate)
	walk = func(p connector.Predicate) {
		var vals []scalar.Scalar
		switch p := p.(type) {
		case connector.And:
			for _, q := range p {
				walk(q)
			}
			return
		case connector.Compare:
			if p.Column != column || p.Op != connector.Eq {
				return
			}
			vals = []scalar.Scalar{p.Value}
		case connector.In:
			if p.Column != column || p.Not {
				return
			}
			vals = p.Values
		default:
			return
		}
		set := make(map[string]bool, len(vals))
		for _, v := range vals {
			s, ok := v.(*scalar.String)
			if !ok || !s.Valid {
				return // not understood: no pruning from this conjunct
			}
			if keep == nil || keep[string(s.Data())] {
				set[string(s.Data())] = true
			}
		}
		keep = set
	}
	for _, f := range filters {
		walk(f)
	}
	return keep
}
