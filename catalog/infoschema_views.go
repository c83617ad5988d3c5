package catalog

import (
	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/hopsql/hopsql/connector"
)

// The information_schema views. Column names follow the SQL standard, as
// MySQL and DuckDB spell them, so that BI tools find what they look for;
// feature-store facts (the feature group behind a table, primary key and
// event time) are extra columns.

// viewLevel says what one row of a view describes.
type viewLevel int

const (
	levelSchema viewLevel = iota // a feature store
	levelTable                   // a feature group version
	levelColumn                  // a feature
)

// infoView is one information_schema view.
type infoView struct {
	name        string
	description string
	level       viewLevel
	// schemaColumn holds the store name; filters on it limit the stores
	// a scan lists.
	schemaColumn string
	columns      []*infoColumn
}

// infoRow is the thing one row describes: a store, a feature group of it,
// or a feature of that feature group.
type infoRow struct {
	store   connector.Store
	fg      *connector.FeatureGroup
	feature int
}

func (r *infoRow) f() connector.Feature { return r.fg.Features[r.feature] }

// infoColumn is a column of a view; exactly one of str, num and flag is set,
// which makes it a string, bigint or boolean column.
type infoColumn struct {
	name        string
	description string
	primary     bool
	str         func(r *infoRow) string
	num         func(r *infoRow) int64
	flag        func(r *infoRow) bool
}

func (c *infoColumn) typeName() string {
	switch {
	case c.num != nil:
		return "bigint"
	case c.flag != nil:
		return "boolean"
	}
	return "string"
}

func (c *infoColumn) dataType() arrow.DataType {
	switch {
	case c.num != nil:
		return arrow.PrimitiveTypes.Int64
	case c.flag != nil:
		return arrow.FixedWidthTypes.Boolean
	}
	return arrow.BinaryTypes.String
}

// build returns the column's values for rows, allocated from mem.
func (c *infoColumn) build(mem memory.Allocator, rows []infoRow) arrow.Array {
	switch {
	case c.num != nil:
		b := array.NewInt64Builder(mem)
		defer b.Release()
		b.Reserve(len(rows))
		for i := range rows {
			b.UnsafeAppend(c.num(&rows[i]))
		}
		return b.NewArray()
	case c.flag != nil:
		b := array.NewBooleanBuilder(mem)
		defer b.Release()
		b.Reserve(len(rows))
		for i := range rows {
			b.UnsafeAppend(c.flag(&rows[i]))
		}
		return b.NewArray()
	}
	b := array.NewStringBuilder(mem)
	defer b.Release()
	b.Reserve(len(rows))
	for i := range rows {
		b.Append(c.str(&rows[i]))
	}
	return b.NewArray()
}

// column returns the column called name, or nil.
func (v *infoView) column(name string) *infoColumn {
	for _, c := range v.columns {
		if c.name == name {
			return c
		}
	}
	return nil
}

// featureGroup describes v as version 1 of a feature group of
// InfoSchemaProject.
func (v *infoView) featureGroup() *connector.FeatureGroup {
	fg := &connector.FeatureGroup{Project: InfoSchemaProject, Name: v.name, Version: 1, Description: v.description}
	for _, c := range v.columns {
		fg.Features = append(fg.Features, connector.Feature{
			Name: c.name, Type: c.typeName(), DataType: c.dataType(), Description: c.description, Primary: c.primary,
		})
		if c.primary {
			fg.PrimaryKey = append(fg.PrimaryKey, c.name)
		}
	}
	return fg
}

// findView returns the view fg describes, or nil if fg is not one.
func findView(fg *connector.FeatureGroup) *infoView {
	if fg == nil || fg.Project != InfoSchemaProject || fg.Version != 1 {
		return nil
	}
	for _, v := range infoViews() {
		if v.name == fg.Name {
			return v
		}
	}
	return nil
}

// infoViews returns the views, ordered by name. They are built afresh on
// each call, so no caller can change another's.
func infoViews() []*infoView {
	catalogName := func(*infoRow) string { return InfoSchemaCatalog }
	schemaName := func(r *infoRow) string { return r.store.Name() }
	tableName := func(r *infoRow) string { return r.fg.TableName() }
	return []*infoView{
		{
			name:         "columns",
			description:  "One row per feature of every feature group version the session may read",
			level:        levelColumn,
			schemaColumn: "table_schema",
			columns: []*infoColumn{
				{name: "table_catalog", description: "Always " + InfoSchemaCatalog, str: catalogName},
				{name: "table_schema", description: "Feature store, <project>_featurestore", primary: true, str: schemaName},
				{name: "table_name", description: "Feature group version, <name>_<version>", primary: true, str: tableName},
				{name: "column_name", description: "Feature name", primary: true, str: func(r *infoRow) string { return r.f().Name }},
				{name: "ordinal_position", description: "Position of the feature in the table, from 1", num: func(r *infoRow) int64 { return int64(r.feature) + 1 }},
				{name: "data_type", description: "Offline type, such as BIGINT or DECIMAL(12,2)", str: func(r *infoRow) string { return ColumnType(r.f()) }},
				{name: "is_nullable", description: "Always YES: feature values may be missing", str: func(*infoRow) string { return "YES" }},
				{name: "column_comment", description: "Feature description", str: func(r *infoRow) string { return r.f().Description }},
				{name: "is_primary_key", description: "Whether the feature is part of the primary key", flag: func(r *infoRow) bool { return r.f().Primary }},
				{name: "is_event_time", description: "Whether the feature is the event time", flag: func(r *infoRow) bool { return r.fg.EventTime != "" && r.f().Name == r.fg.EventTime }},
			},
		},
		{
			name:         "schemata",
			description:  "One row per feature store the session may read: its project's own, then those shared with it",
			level:        levelSchema,
			schemaColumn: "schema_name",
			columns: []*infoColumn{
				{name: "catalog_name", description: "Always " + InfoSchemaCatalog, str: catalogName},
				{name: "schema_name", description: "Feature store, <project>_featurestore", primary: true, str: schemaName},
				{name: "schema_owner", description: "Project that owns the feature store", str: func(r *infoRow) string { return r.store.Project }},
				{name: "shared", description: "Whether another project shared the store with the session's (read-only)", flag: func(r *infoRow) bool { return r.store.Shared }},
			},
		},
		{
			name:         "tables",
			description:  "One row per feature group version the session may read",
			level:        levelTable,
			schemaColumn: "table_schema",
			columns: []*infoColumn{
				{name: "table_catalog", description: "Always " + InfoSchemaCatalog, str: catalogName},
				{name: "table_schema", description: "Feature store, <project>_featurestore", primary: true, str: schemaName},
				{name: "table_name", description: "Feature group version, <name>_<version>", primary: true, str: tableName},
				{name: "table_type", description: "Always BASE TABLE", str: func(*infoRow) string { return "BASE TABLE" }},
				{name: "table_comment", description: "Feature group description", str: func(r *infoRow) string { return r.fg.Description }},
				{name: "feature_group", description: "Feature group name, without version", str: func(r *infoRow) string { return r.fg.Name }},
				{name: "version", description: "Feature group version", num: func(r *infoRow) int64 { return int64(r.fg.Version) }},
			},
		},
	}
}
