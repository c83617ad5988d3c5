package planner

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/hopsql/hopsql/catalog"
	"github.com/hopsql/hopsql/connector"
	"github.com/hopsql/hopsql/engine"
)

// Catalog statements, read from the front end's tokens (the SQL parser
// mangles DESCRIBE and SHOW COLUMNS):
//
//	SHOW DATABASES | SHOW SCHEMAS | SHOW FEATURE STORES
//	SHOW TABLES [FROM|IN project] | SHOW FEATURE GROUPS [FROM|IN project]
//	DESCRIBE name | DESC name
//	SHOW COLUMNS FROM|IN name [FROM|IN project]
//	SHOW FEATURES FROM|IN name [FROM|IN project]
//
// each optionally ended by a semicolon. A project is written as a project
// or a feature store name (bank, bank_featurestore, `bank`); a table name is
// any name the catalog resolves. The answer is computed from the catalog
// when the statement is planned and held by an engine.Values operator, so
// EXPLAIN shows it as one node.

// showStoresSchema is the result of SHOW DATABASES.
var showStoresSchema = arrow.NewSchema([]arrow.Field{
	{Name: "feature_store", Type: arrow.BinaryTypes.String},
	{Name: "project", Type: arrow.BinaryTypes.String},
	{Name: "shared", Type: arrow.FixedWidthTypes.Boolean},
	{Name: "description", Type: arrow.BinaryTypes.String},
}, nil)

// showTablesSchema is the result of SHOW TABLES.
var showTablesSchema = arrow.NewSchema([]arrow.Field{
	{Name: "table_name", Type: arrow.BinaryTypes.String},
	{Name: "feature_group", Type: arrow.BinaryTypes.String},
	{Name: "version", Type: arrow.PrimitiveTypes.Int64},
	{Name: "features", Type: arrow.PrimitiveTypes.Int64},
	{Name: "primary_key", Type: arrow.BinaryTypes.String},
	{Name: "event_time", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "description", Type: arrow.BinaryTypes.String},
}, nil)

// describeSchema is the result of DESCRIBE.
var describeSchema = arrow.NewSchema([]arrow.Field{
	{Name: "column_name", Type: arrow.BinaryTypes.String},
	{Name: "column_type", Type: arrow.BinaryTypes.String},
	{Name: "null", Type: arrow.BinaryTypes.String},
	{Name: "key", Type: arrow.BinaryTypes.String},
	{Name: "event_time", Type: arrow.FixedWidthTypes.Boolean},
	{Name: "description", Type: arrow.BinaryTypes.String},
}, nil)

// planCatalogStatement plans SHOW and DESCRIBE statements. It reports
// ok=false for every other statement.
// isCatalogStatement reports whether src is a SHOW or DESCRIBE statement.
func isCatalogStatement(src *source) bool {
	toks, err := lex(src.text)
	if err != nil {
		return false
	}
	for _, t := range toks {
		if t.trivia() {
			continue
		}
		switch strings.ToLower(t.text(src.text)) {
		case "show", "describe", "desc":
			return t.kind == tokIdent
		}
		return false
	}
	return false
}

func (p *Planner) planCatalogStatement(ctx context.Context, src *source) (*Plan, bool, error) {
	toks, err := lex(src.text)
	if err != nil {
		return nil, false, nil // prepare lexed the text; let the parser report
	}
	sp := &stmtParser{src: src}
	for _, t := range toks {
		if !t.trivia() {
			sp.toks = append(sp.toks, t)
		}
	}
	switch sp.word() {
	case "show", "describe", "desc":
	default:
		return nil, false, nil
	}
	op, err := p.catalogStatement(ctx, sp)
	if err != nil {
		return nil, true, err
	}
	return &Plan{root: op, explain: src.explain}, true, nil
}

// catalogStatement parses a SHOW or DESCRIBE statement and answers it.
func (p *Planner) catalogStatement(ctx context.Context, sp *stmtParser) (*engine.Values, error) {
	if w := sp.next(); w == "describe" || w == "desc" {
		if k := sp.word(); k == "select" || k == "with" {
			se := sp.src.errorAt(sp.pos(), "")
			return nil, &Error{Line: se.Line, Column: se.Column, Err: ErrNotSupported,
				Msg: "DESCRIBE of a query (EXPLAIN shows its plan)"}
		}
		return p.describe(ctx, sp)
	}
	switch w := sp.word(); w {
	case "databases", "schemas":
		sp.next()
		return p.showStores(ctx, sp)
	case "tables":
		sp.next()
		return p.showTables(ctx, sp)
	case "columns", "features":
		sp.next()
		if !sp.accept("from", "in") {
			return nil, sp.syntaxError("expected FROM and a table name after SHOW " + strings.ToUpper(w))
		}
		return p.describe(ctx, sp)
	case "feature":
		sp.next()
		switch sp.word() {
		case "stores":
			sp.next()
			return p.showStores(ctx, sp)
		case "groups":
			sp.next()
			return p.showTables(ctx, sp)
		}
		return nil, sp.syntaxError("expected STORES or GROUPS after SHOW FEATURE")
	}
	return nil, sp.syntaxError("expected DATABASES, SCHEMAS, FEATURE STORES, TABLES, FEATURE GROUPS, COLUMNS FROM or FEATURES FROM after SHOW")
}

// showStores answers SHOW DATABASES: the readable stores, own first.
func (p *Planner) showStores(ctx context.Context, sp *stmtParser) (*engine.Values, error) {
	if err := sp.end("the end of the statement"); err != nil {
		return nil, err
	}
	stores, err := p.cat.Stores(ctx)
	if err != nil {
		return nil, err
	}
	name := fmt.Sprintf("feature stores readable by project %s", p.cat.Project())
	return newValues(name, showStoresSchema, func(b *array.RecordBuilder) {
		for _, s := range stores {
			b.Field(0).(*array.StringBuilder).Append(s.Name())
			b.Field(1).(*array.StringBuilder).Append(s.Project)
			b.Field(2).(*array.BooleanBuilder).Append(s.Shared)
			b.Field(3).(*array.StringBuilder).Append(s.Description)
		}
	}), nil
}

// showTables answers SHOW TABLES [FROM project]: the feature group versions
// of a readable store, by name and version.
func (p *Planner) showTables(ctx context.Context, sp *stmtParser) (*engine.Values, error) {
	project, at, expected := "", 0, "FROM <project> or the end of the statement"
	if sp.accept("from", "in") {
		var err error
		if project, at, err = sp.project(); err != nil {
			return nil, err
		}
		expected = "the end of the statement"
	}
	if err := sp.end(expected); err != nil {
		return nil, err
	}
	fgs, err := p.cat.FeatureGroups(ctx, project)
	if err != nil {
		return nil, sp.errorAt(at, err)
	}
	if project == "" {
		project = p.cat.Project()
	}
	store := project + connector.StoreSuffix
	if project == catalog.InfoSchemaProject {
		store = project
	}
	return newValues("feature groups of "+store, showTablesSchema, func(b *array.RecordBuilder) {
		for _, fg := range fgs {
			table := fg.TableName()
			if fg.Project == catalog.InfoSchemaProject {
				table = fg.Name // the views are named without a version
			}
			b.Field(0).(*array.StringBuilder).Append(table)
			b.Field(1).(*array.StringBuilder).Append(fg.Name)
			b.Field(2).(*array.Int64Builder).Append(int64(fg.Version))
			b.Field(3).(*array.Int64Builder).Append(int64(len(fg.Features)))
			b.Field(4).(*array.StringBuilder).Append(strings.Join(fg.PrimaryKey, ","))
			if fg.EventTime == "" {
				b.Field(5).AppendNull()
			} else {
				b.Field(5).(*array.StringBuilder).Append(fg.EventTime)
			}
			b.Field(6).(*array.StringBuilder).Append(fg.Description)
		}
	}), nil
}

// describe answers DESCRIBE name and SHOW COLUMNS FROM name [FROM project]:
// one row per feature, in table order.
func (p *Planner) describe(ctx context.Context, sp *stmtParser) (*engine.Values, error) {
	qual, name, at, err := sp.tableName()
	if err != nil {
		return nil, err
	}
	if sp.accept("from", "in") {
		if qual != "" || strings.Contains(name, "::") {
			return nil, sp.syntaxError("the table is already qualified with its project: write SHOW COLUMNS FROM project::table or SHOW COLUMNS FROM table FROM project")
		}
		if qual, _, err = sp.project(); err != nil {
			return nil, err
		}
	}
	if err := sp.end("the end of the statement"); err != nil {
		return nil, err
	}
	ref, err := catalog.ParseName(qual, name)
	if err != nil {
		return nil, sp.errorAt(at, err)
	}
	t, err := p.cat.Resolve(ctx, ref)
	if err != nil {
		return nil, sp.errorAt(at, err)
	}
	fg := t.FeatureGroup
	desc := "features of " + fg.QualifiedName()
	if fg.Project == catalog.InfoSchemaProject {
		desc = "features of " + catalog.InfoSchemaProject + "." + fg.Name
	} else if t.Latest {
		desc += ", the latest version of " + fg.Name
	}
	return newValues(desc, describeSchema, func(b *array.RecordBuilder) {
		for _, f := range fg.Features {
			key := ""
			if f.Primary {
				key = "PRI"
			}
			b.Field(0).(*array.StringBuilder).Append(f.Name)
			b.Field(1).(*array.StringBuilder).Append(catalog.ColumnType(f))
			b.Field(2).(*array.StringBuilder).Append("YES")
			b.Field(3).(*array.StringBuilder).Append(key)
			b.Field(4).(*array.BooleanBuilder).Append(fg.EventTime != "" && f.Name == fg.EventTime)
			b.Field(5).(*array.StringBuilder).Append(f.Description)
		}
	}), nil
}

// newValues builds the one batch of a catalog statement's answer with fill.
// The batch comes from the default allocator and lives as long as the plan:
// Values hands each run its own reference.
func newValues(name string, schema *arrow.Schema, fill func(b *array.RecordBuilder)) *engine.Values {
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	fill(b)
	rec := b.NewRecord()
	if rec.NumRows() == 0 {
		rec.Release()
		return &engine.Values{Out: schema, Name: name}
	}
	return &engine.Values{Out: schema, Records: []arrow.Record{rec}, Name: name}
}

// stmtParser reads a catalog statement from the meaningful tokens of the
// rewritten text, in which the front end has turned project::table into
// one quoted identifier.
type stmtParser struct {
	src  *source
	toks []token
	i    int
}

// word returns the current token lower-cased if it is a bare word, and ""
// otherwise.
func (sp *stmtParser) word() string {
	if sp.i >= len(sp.toks) || sp.toks[sp.i].kind != tokIdent {
		return ""
	}
	return strings.ToLower(sp.toks[sp.i].text(sp.src.text))
}

// next returns word and moves past the current token.
func (sp *stmtParser) next() string {
	w := sp.word()
	if sp.i < len(sp.toks) {
		sp.i++
	}
	return w
}

// accept moves past the current token if it is one of the words.
func (sp *stmtParser) accept(words ...string) bool {
	w := sp.word()
	for _, want := range words {
		if w == want {
			sp.i++
			return true
		}
	}
	return false
}

// pos returns the offset in the rewritten text of the current token, or
// of the end of the text.
func (sp *stmtParser) pos() int {
	if sp.i < len(sp.toks) {
		return sp.toks[sp.i].start
	}
	return len(sp.src.text)
}

// syntaxError reports a syntax error at the current token.
func (sp *stmtParser) syntaxError(msg string) error {
	return sp.src.errorAt(sp.pos(), msg)
}

// errorAt locates err at offset at of the rewritten text.
func (sp *stmtParser) errorAt(at int, err error) error {
	se := sp.src.errorAt(at, "")
	return &Error{Line: se.Line, Column: se.Column, Err: err}
}

// end accepts an optional semicolon and the end of the statement; the
// error says that expected was expected instead.
func (sp *stmtParser) end(expected string) error {
	if sp.i < len(sp.toks) && sp.toks[sp.i].kind == tokOp && sp.toks[sp.i].text(sp.src.text) == ";" {
		sp.i++
		if sp.i < len(sp.toks) {
			return sp.syntaxError("expected the end of the statement: run one statement at a time")
		}
	}
	if sp.i < len(sp.toks) {
		return sp.syntaxError("expected " + expected)
	}
	return nil
}

// part reads a bare or backquoted name.
func (sp *stmtParser) part() (string, bool) {
	if sp.i >= len(sp.toks) {
		return "", false
	}
	t := sp.toks[sp.i]
	switch t.kind {
	case tokIdent:
		sp.i++
		return t.text(sp.src.text), true
	case tokQuoted:
		sp.i++
		return unquoteIdent(t.text(sp.src.text)), true
	}
	return "", false
}

// project reads a project or feature store name and returns the project
// and where it was written.
func (sp *stmtParser) project() (string, int, error) {
	at := sp.pos()
	name, ok := sp.part()
	if !ok {
		return "", at, sp.syntaxError("expected a project or feature store name")
	}
	project, err := catalog.ParseProject(name)
	if err != nil {
		return "", at, sp.errorAt(at, err)
	}
	return project, at, nil
}

// tableName reads a table name, name or qualifier.name, as ParseName takes
// it, and returns where it was written.
func (sp *stmtParser) tableName() (qual, name string, at int, err error) {
	at = sp.pos()
	name, ok := sp.part()
	if !ok {
		return "", "", at, sp.syntaxError("expected a table name")
	}
	if sp.i < len(sp.toks) && sp.toks[sp.i].kind == tokOp && sp.toks[sp.i].text(sp.src.text) == "." {
		sp.i++
		qual = name
		if name, ok = sp.part(); !ok {
			return "", "", at, sp.syntaxError("expected a table name after " + quoteIdent(qual) + ".")
		}
	}
	return qual, name, at, nil
}
