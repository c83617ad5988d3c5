package planner

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/scalar"
	"github.com/xwb1989/sqlparser"

	"github.com/hopsql/hopsql/catalog"
	"github.com/hopsql/hopsql/connector"
)

// binder turns a parsed statement into a logical plan, resolving names
// through the catalog and typing every expression.
type binder struct {
	ctx    context.Context
	cat    *catalog.Catalog
	src    *source
	nextID int
	// params are the values of the statement's ? placeholders, in order;
	// paramsUsed is the highest placeholder number the statement uses.
	params     []scalar.Scalar
	paramsUsed int
}

// scope is what names in an expression can refer to: the tables of a FROM
// clause, in order.
type scope struct {
	tables []*scopeTable
	// outer is the enclosing query's scope, for correlated subqueries.
	outer *scope
}

type scopeTable struct {
	name string // the qualifier: alias or table name, lower-case
	cols []*Column
	// hidden marks columns merged away by JOIN ... USING: they are not
	// found by unqualified names and not expanded by *.
	hidden map[int]bool
}

func (b *binder) newColumn(name, table string, t arrow.DataType) *Column {
	b.nextID++
	return &Column{ID: b.nextID, Name: name, Table: table, Type: t}
}

// star expands * or t.*.
func (b *binder) star(se *sqlparser.StarExpr, sc *scope) ([]*Column, error) {
	qual := strings.ToLower(se.TableName.Name.String())
	var cols []*Column
	found := false
	for _, t := range sc.tables {
		if qual != "" && t.name != qual {
			continue
		}
		found = true
		for _, c := range t.cols {
			if qual == "" && t.hidden[c.ID] {
				continue
			}
			cols = append(cols, c)
		}
	}
	if !found {
		return nil, b.src.errorf(qual, nil, "unknown table %q in %s.*; tables are %s", qual, qual, tableList(sc))
	}
	return cols, nil
}

func tableList(sc *scope) string {
	names := make([]string, len(sc.tables))
	for i, t := range sc.tables {
		names[i] = t.name
	}
	return strings.Join(names, ", ")
}

// bindFrom binds a FROM clause; comma-separated tables are cross joined
// (their WHERE equalities become join keys later).
func (b *binder) bindFrom(exprs sqlparser.TableExprs) (Node, *scope, error) {
	var node Node
	sc := &scope{}
	for _, te := range exprs {
		n, s, err := b.bindTableExpr(te)
		if err != nil {
			return nil, nil, err
		}
		if err := b.addTables(sc, s); err != nil {
			return nil, nil, err
		}
		if node == nil {
			node = n
		} else {
			node = &JoinNode{Left: node, Right: n, Kind: JoinCross}
		}
	}
	return node, sc, nil
}

func (b *binder) addTables(dst, src *scope) error {
	for _, t := range src.tables {
		for _, d := range dst.tables {
			if d.name == t.name {
				return b.src.errorf(t.name, nil, "table name %q is used twice in FROM: give one of them an alias", t.name)
			}
		}
		dst.tables = append(dst.tables, t)
	}
	return nil
}

func (b *binder) bindTableExpr(te sqlparser.TableExpr) (Node, *scope, error) {
	switch te := te.(type) {
	case *sqlparser.AliasedTableExpr:
		switch tn := te.Expr.(type) {
		case sqlparser.TableName:
			if tn.Qualifier.IsEmpty() && strings.EqualFold(tn.Name.String(), "dual") {
				return &ValuesNode{}, &scope{}, nil
			}
			return b.bindScan(tn, te.As.String())
		case *sqlparser.Subquery:
			return b.bindDerived(tn, te.As.String())
		}
	case *sqlparser.ParenTableExpr:
		return b.bindFrom(te.Exprs)
	case *sqlparser.JoinTableExpr:
		return b.bindJoin(te)
	}
	return nil, nil, notSupported(b.src, "", "table expression "+sqlparser.String(te))
}

// bindDerived binds a subquery in FROM; its columns are qualified by its
// alias.
func (b *binder) bindDerived(sub *sqlparser.Subquery, alias string) (Node, *scope, error) {
	if alias == "" {
		return nil, nil, b.src.errorf("select", nil, "a subquery in FROM needs an alias: (SELECT ...) AS name")
	}
	q, err := b.bindQuery(sub.Select, nil)
	if err != nil {
		return nil, nil, err
	}
	alias = strings.ToLower(alias)
	// Fresh columns under the alias, so that names resolve and IDs stay
	// unique if the same subquery text appears twice.
	p := &ProjectNode{Input: q.node}
	for _, c := range q.cols {
		p.Exprs = append(p.Exprs, &ColumnRef{Col: c})
		p.Cols = append(p.Cols, b.newColumn(strings.ToLower(c.Name), alias, c.Type))
	}
	return p, &scope{tables: []*scopeTable{{name: alias, cols: p.Cols}}}, nil
}

func (b *binder) bindScan(tn sqlparser.TableName, alias string) (Node, *scope, error) {
	qual, name := tn.Qualifier.String(), tn.Name.String()
	ref, err := catalog.ParseName(qual, name)
	if err != nil {
		return nil, nil, b.src.errorf(name, err, "")
	}
	t, err := b.cat.Resolve(b.ctx, ref)
	if err != nil {
		return nil, nil, b.src.errorf(name, err, "")
	}
	if alias == "" {
		// The name as written qualifies the columns: customers for
		// bank::customers, tables for information_schema.tables.
		alias = ref.Table
	}
	alias = strings.ToLower(alias)
	scan := &ScanNode{Table: t, Alias: alias}
	for _, f := range t.FeatureGroup.Features {
		scan.All = append(scan.All, b.newColumn(f.Name, alias, f.DataType))
	}
	return scan, &scope{tables: []*scopeTable{{name: alias, cols: scan.All}}}, nil
}

func (b *binder) bindJoin(te *sqlparser.JoinTableExpr) (Node, *scope, error) {
	left, ls, err := b.bindTableExpr(te.LeftExpr)
	if err != nil {
		return nil, nil, err
	}
	right, rs, err := b.bindTableExpr(te.RightExpr)
	if err != nil {
		return nil, nil, err
	}
	sc := &scope{}
	if err := b.addTables(sc, ls); err != nil {
		return nil, nil, err
	}
	if err := b.addTables(sc, rs); err != nil {
		return nil, nil, err
	}
	join := &JoinNode{Left: left, Right: right}
	switch te.Join {
	case sqlparser.JoinStr:
		join.Kind = JoinInner
	case sqlparser.LeftJoinStr:
		join.Kind = JoinLeft
	case sqlparser.StraightJoinStr:
		// The front end spells FULL [OUTER] JOIN this way.
		join.Kind = JoinFull
	case sqlparser.RightJoinStr:
		// a RIGHT JOIN b is b LEFT JOIN a; columns are found by ID, so
		// the output order of the node does not matter.
		join.Left, join.Right, join.Kind = right, left, JoinLeft
	default:
		return nil, nil, notSupported(b.src, "natural", strings.ToUpper(te.Join))
	}
	switch {
	case te.Condition.On != nil:
		on, err := b.expr(&queryCtx{sc: sc, clause: "ON"}, te.Condition.On)
		if err != nil {
			return nil, nil, err
		}
		if join.On, err = b.boolean(on, "ON"); err != nil {
			return nil, nil, err
		}
	case len(te.Condition.Using) > 0:
		// The USING column of the preserved side stands for both.
		hideIn := rs
		if te.Join == sqlparser.RightJoinStr {
			hideIn = ls
		}
		var terms []Expr
		for _, id := range te.Condition.Using {
			name := strings.ToLower(id.String())
			lc, err := b.lookup(ls, "", name)
			if err != nil {
				return nil, nil, err
			}
			rc, err := b.lookup(rs, "", name)
			if err != nil {
				return nil, nil, err
			}
			eq, err := b.compare(connector.Eq, &ColumnRef{Col: lc}, &ColumnRef{Col: rc})
			if err != nil {
				return nil, nil, b.src.errorf(name, err, "USING (%s)", name)
			}
			terms = append(terms, eq)
			hidden := rc
			if hideIn == ls {
				hidden = lc
			}
			for _, t := range hideIn.tables {
				for _, c := range t.cols {
					if c.ID == hidden.ID {
						if t.hidden == nil {
							t.hidden = map[int]bool{}
						}
						t.hidden[c.ID] = true
					}
				}
			}
		}
		join.On = and(terms)
	default:
		if join.Kind != JoinInner {
			return nil, nil, b.src.errorf("join", nil, "%s needs an ON or USING condition", strings.ToUpper(te.Join))
		}
		join.Kind = JoinCross
	}
	return join, sc, nil
}

// lookup resolves a column name, qualified or not.
func (b *binder) lookup(sc *scope, qual, name string) (*Column, error) {
	var found []*Column
	var where []string
	tableSeen := qual == ""
	for _, t := range sc.tables {
		if qual != "" && t.name != qual {
			continue
		}
		tableSeen = true
		for _, c := range t.cols {
			if c.Name == name && (qual != "" || !t.hidden[c.ID]) {
				found = append(found, c)
				where = append(where, t.name)
			}
		}
	}
	display := name
	if qual != "" {
		display = qual + "." + name
	}
	switch {
	case !tableSeen && sc.outer == nil:
		return nil, b.src.errorf(qual, nil, "unknown table %q in %s; tables are %s", qual, display, tableList(sc))
	case len(found) == 1:
		return found[0], nil
	case len(found) > 1:
		return nil, b.src.errorf(name, nil, "column %q is ambiguous: it is in %s; qualify it, for example %s.%s", name, strings.Join(where, " and "), where[0], name)
	}
	// A subquery may read the enclosing query's columns.
	if sc.outer != nil {
		if c, err := b.lookup(sc.outer, qual, name); err == nil {
			return c, nil
		}
	}
	var have []string
	for _, t := range sc.tables {
		if qual != "" && t.name != qual {
			continue
		}
		for _, c := range t.cols {
			have = append(have, t.name+"."+c.Name)
		}
	}
	msg := fmt.Sprintf("unknown column %q; columns are %s", display, strings.Join(have, ", "))
	if strings.Contains(name, "::") {
		msg = fmt.Sprintf("unknown column %q: \"::\" is for feature group names (project::fg_version); for a cast use CAST(x AS type)", display)
	}
	return nil, b.src.errorf(name, nil, "%s", msg)
}
