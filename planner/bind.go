package planner

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
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
}

// scope is what names in an expression can refer to: the tables of a FROM
// clause, in order.
type scope struct {
	tables []*scopeTable
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

// bindQuery binds a query statement.
func (b *binder) bindQuery(stmt sqlparser.Statement) (Node, error) {
	switch s := stmt.(type) {
	case *sqlparser.Select:
		return b.bindSelect(s)
	case *sqlparser.ParenSelect:
		return b.bindQuery(s.Select)
	case *sqlparser.Union:
		return nil, notSupported(b.src, "union", "UNION")
	case *sqlparser.Insert, *sqlparser.Update, *sqlparser.Delete, *sqlparser.DDL:
		return nil, b.src.errorf("", nil, "hopsql is read-only: feature stores cannot be changed through SQL")
	}
	return nil, notSupported(b.src, "", fmt.Sprintf("statement %T", stmt))
}

func (b *binder) bindSelect(sel *sqlparser.Select) (Node, error) {
	switch {
	case sel.Distinct != "":
		return nil, notSupported(b.src, "distinct", "SELECT DISTINCT")
	case len(sel.GroupBy) > 0:
		return nil, notSupported(b.src, "group", "GROUP BY")
	case sel.Having != nil:
		return nil, notSupported(b.src, "having", "HAVING")
	case len(sel.OrderBy) > 0:
		return nil, notSupported(b.src, "order", "ORDER BY")
	}
	if len(sel.From) == 0 {
		return nil, notSupported(b.src, "select", "SELECT without FROM")
	}
	node, sc, err := b.bindFrom(sel.From)
	if err != nil {
		return nil, err
	}
	if sel.Where != nil {
		pred, err := b.bindExpr(sel.Where.Expr, sc)
		if err != nil {
			return nil, err
		}
		if pred, err = b.boolean(pred, "WHERE"); err != nil {
			return nil, err
		}
		node = &FilterNode{Input: node, Pred: pred}
	}
	proj := &ProjectNode{Input: node}
	for _, se := range sel.SelectExprs {
		switch se := se.(type) {
		case *sqlparser.StarExpr:
			cols, err := b.star(se, sc)
			if err != nil {
				return nil, err
			}
			for _, c := range cols {
				proj.Exprs = append(proj.Exprs, &ColumnRef{Col: c})
				proj.Cols = append(proj.Cols, b.newColumn(c.Name, "", c.Type))
			}
		case *sqlparser.AliasedExpr:
			e, err := b.bindExpr(se.Expr, sc)
			if err != nil {
				return nil, err
			}
			name := se.As.String()
			if name == "" {
				if c, ok := se.Expr.(*sqlparser.ColName); ok {
					name = c.Name.String()
				} else {
					name = sqlparser.String(se.Expr)
				}
			}
			if e.Type().ID() == arrow.NULL {
				e = &Const{Value: scalar.MakeNullScalar(arrow.BinaryTypes.String)}
			}
			proj.Exprs = append(proj.Exprs, e)
			proj.Cols = append(proj.Cols, b.newColumn(name, "", e.Type()))
		default:
			return nil, notSupported(b.src, "", sqlparser.String(se))
		}
	}
	var out Node = proj
	if sel.Limit != nil {
		count, err := b.limitValue(sel.Limit.Rowcount)
		if err != nil {
			return nil, err
		}
		var offset int64
		if sel.Limit.Offset != nil {
			if offset, err = b.limitValue(sel.Limit.Offset); err != nil {
				return nil, err
			}
		}
		out = &LimitNode{Input: out, Offset: offset, Count: count}
	}
	return out, nil
}

func (b *binder) limitValue(e sqlparser.Expr) (int64, error) {
	v, ok := e.(*sqlparser.SQLVal)
	if ok && v.Type == sqlparser.IntVal {
		if n, err := strconv.ParseInt(string(v.Val), 10, 64); err == nil && n >= 0 {
			return n, nil
		}
	}
	return 0, b.src.errorf("limit", nil, "LIMIT and OFFSET take a non-negative integer, not %s", sqlparser.String(e))
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
			return b.bindScan(tn, te.As.String())
		case *sqlparser.Subquery:
			return nil, nil, notSupported(b.src, "select", "subqueries in FROM")
		}
	case *sqlparser.ParenTableExpr:
		return b.bindFrom(te.Exprs)
	case *sqlparser.JoinTableExpr:
		return b.bindJoin(te)
	}
	return nil, nil, notSupported(b.src, "", "table expression "+sqlparser.String(te))
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
		alias = t.FeatureGroup.TableName()
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
	case sqlparser.JoinStr, sqlparser.StraightJoinStr:
		join.Kind = JoinInner
	case sqlparser.LeftJoinStr:
		join.Kind = JoinLeft
	case sqlparser.RightJoinStr:
		// a RIGHT JOIN b is b LEFT JOIN a; columns are found by ID, so
		// the output order of the node does not matter.
		join.Left, join.Right, join.Kind = right, left, JoinLeft
	default:
		return nil, nil, notSupported(b.src, "natural", strings.ToUpper(te.Join))
	}
	switch {
	case te.Condition.On != nil:
		on, err := b.bindExpr(te.Condition.On, sc)
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
	case !tableSeen:
		return nil, b.src.errorf(qual, nil, "unknown table %q in %s; tables are %s", qual, display, tableList(sc))
	case len(found) == 1:
		return found[0], nil
	case len(found) > 1:
		return nil, b.src.errorf(name, nil, "column %q is ambiguous: it is in %s; qualify it, for example %s.%s", name, strings.Join(where, " and "), where[0], name)
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

// boolean checks that e is a condition.
func (b *binder) boolean(e Expr, clause string) (Expr, error) {
	switch e.Type().ID() {
	case arrow.BOOL:
		return e, nil
	case arrow.NULL:
		return &Const{Value: scalar.MakeNullScalar(arrow.FixedWidthTypes.Boolean)}, nil
	}
	return nil, b.src.errorf("", nil, "%s needs a boolean condition, but %s is %s", clause, e, typeName(e.Type()))
}

// bindExpr binds a scalar expression.
func (b *binder) bindExpr(e sqlparser.Expr, sc *scope) (Expr, error) {
	switch e := e.(type) {
	case *sqlparser.ColName:
		c, err := b.lookup(sc, strings.ToLower(e.Qualifier.Name.String()), strings.ToLower(e.Name.String()))
		if err != nil {
			return nil, err
		}
		return &ColumnRef{Col: c}, nil
	case *sqlparser.SQLVal:
		return b.literal(e)
	case *sqlparser.NullVal:
		return &Const{Value: scalar.ScalarNull}, nil
	case sqlparser.BoolVal:
		return &Const{Value: scalar.NewBooleanScalar(bool(e))}, nil
	case *sqlparser.ParenExpr:
		return b.bindExpr(e.Expr, sc)
	case *sqlparser.AndExpr:
		return b.logic(true, e.Left, e.Right, sc)
	case *sqlparser.OrExpr:
		return b.logic(false, e.Left, e.Right, sc)
	case *sqlparser.NotExpr:
		x, err := b.bindExpr(e.Expr, sc)
		if err != nil {
			return nil, err
		}
		if x, err = b.boolean(x, "NOT"); err != nil {
			return nil, err
		}
		return &Not{X: x}, nil
	case *sqlparser.ComparisonExpr:
		return b.comparison(e, sc)
	case *sqlparser.RangeCond:
		x, err := b.bindExpr(e.Left, sc)
		if err != nil {
			return nil, err
		}
		lo, err := b.bindExpr(e.From, sc)
		if err != nil {
			return nil, err
		}
		hi, err := b.bindExpr(e.To, sc)
		if err != nil {
			return nil, err
		}
		ge, err := b.compare(connector.Ge, x, lo)
		if err != nil {
			return nil, b.src.errorf("between", err, "BETWEEN")
		}
		le, err := b.compare(connector.Le, x, hi)
		if err != nil {
			return nil, b.src.errorf("between", err, "BETWEEN")
		}
		if e.Operator == sqlparser.NotBetweenStr {
			return &Not{X: &Logic{And: true, Terms: []Expr{ge, le}}}, nil
		}
		return &Logic{And: true, Terms: []Expr{ge, le}}, nil
	case *sqlparser.IsExpr:
		x, err := b.bindExpr(e.Expr, sc)
		if err != nil {
			return nil, err
		}
		switch e.Operator {
		case sqlparser.IsNullStr:
			return &IsNull{X: x}, nil
		case sqlparser.IsNotNullStr:
			return &IsNull{X: x, Not: true}, nil
		}
		return nil, notSupported(b.src, "is", strings.ToUpper(e.Operator))
	case *sqlparser.BinaryExpr:
		return b.arith(e, sc)
	case *sqlparser.UnaryExpr:
		x, err := b.bindExpr(e.Expr, sc)
		if err != nil {
			return nil, err
		}
		switch e.Operator {
		case sqlparser.UPlusStr:
			return x, nil
		case sqlparser.UMinusStr:
			if !isNumeric(x.Type()) {
				return nil, b.src.errorf("", nil, "cannot negate %s, a %s", x, typeName(x.Type()))
			}
			if c, ok := x.(*Const); ok {
				if v, ok := negateConst(c.Value); ok {
					return &Const{Value: v}, nil
				}
			}
			return &Negate{X: x}, nil
		}
		return nil, notSupported(b.src, "", "operator "+e.Operator)
	case *sqlparser.FuncExpr:
		return nil, notSupported(b.src, e.Name.String(), "function "+e.Name.String()+"()")
	}
	return nil, notSupported(b.src, "", "expression "+sqlparser.String(e))
}

func (b *binder) logic(isAnd bool, l, r sqlparser.Expr, sc *scope) (Expr, error) {
	clause := "OR"
	if isAnd {
		clause = "AND"
	}
	var terms []Expr
	for _, side := range []sqlparser.Expr{l, r} {
		x, err := b.bindExpr(side, sc)
		if err != nil {
			return nil, err
		}
		if x, err = b.boolean(x, clause); err != nil {
			return nil, err
		}
		if lg, ok := x.(*Logic); ok && lg.And == isAnd {
			terms = append(terms, lg.Terms...)
		} else {
			terms = append(terms, x)
		}
	}
	return &Logic{And: isAnd, Terms: terms}, nil
}

var compareOps = map[string]connector.Op{
	sqlparser.EqualStr:        connector.Eq,
	sqlparser.NotEqualStr:     connector.Ne,
	sqlparser.LessThanStr:     connector.Lt,
	sqlparser.LessEqualStr:    connector.Le,
	sqlparser.GreaterThanStr:  connector.Gt,
	sqlparser.GreaterEqualStr: connector.Ge,
}

func (b *binder) comparison(e *sqlparser.ComparisonExpr, sc *scope) (Expr, error) {
	l, err := b.bindExpr(e.Left, sc)
	if err != nil {
		return nil, err
	}
	if op, ok := compareOps[e.Operator]; ok {
		r, err := b.bindExpr(e.Right, sc)
		if err != nil {
			return nil, err
		}
		c, err := b.compare(op, l, r)
		if err != nil {
			return nil, b.src.errorf("", err, "in %s", sqlparser.String(e))
		}
		return c, nil
	}
	switch e.Operator {
	case sqlparser.InStr, sqlparser.NotInStr:
		tuple, ok := e.Right.(sqlparser.ValTuple)
		if !ok {
			return nil, notSupported(b.src, "in", "IN with a subquery")
		}
		// x IN (a, b) is x = a OR x = b, NULLs included.
		var terms []Expr
		for _, v := range tuple {
			r, err := b.bindExpr(v, sc)
			if err != nil {
				return nil, err
			}
			c, err := b.compare(connector.Eq, l, r)
			if err != nil {
				return nil, b.src.errorf("in", err, "in %s", sqlparser.String(e))
			}
			terms = append(terms, c)
		}
		var in Expr = &Logic{Terms: terms}
		if len(terms) == 1 {
			in = terms[0]
		}
		if e.Operator == sqlparser.NotInStr {
			return &Not{X: in}, nil
		}
		return in, nil
	}
	return nil, notSupported(b.src, "", strings.ToUpper(e.Operator))
}

// compare types a comparison. A constant compared with an expression takes
// the expression's type when it converts exactly, which keeps column
// comparisons free of casts (and pushable to scans); otherwise both sides
// meet in their common type.
func (b *binder) compare(op connector.Op, l, r Expr) (Expr, error) {
	if l.Type().ID() == arrow.NULL || r.Type().ID() == arrow.NULL {
		return &Const{Value: scalar.MakeNullScalar(arrow.FixedWidthTypes.Boolean)}, nil
	}
	if c, ok := r.(*Const); ok {
		if v, err := castConst(c.Value, l.Type()); err == nil {
			return &Compare{Op: op, L: l, R: &Const{Value: v}}, nil
		}
	}
	if c, ok := l.(*Const); ok {
		if v, err := castConst(c.Value, r.Type()); err == nil {
			return &Compare{Op: op, L: &Const{Value: v}, R: r}, nil
		}
	}
	t, err := commonType(l.Type(), r.Type())
	if err != nil {
		return nil, err
	}
	if l, err = coerce(l, t); err != nil {
		return nil, err
	}
	if r, err = coerce(r, t); err != nil {
		return nil, err
	}
	return &Compare{Op: op, L: l, R: r}, nil
}

// coerce converts e to t: constants now, anything else at run time.
func coerce(e Expr, t arrow.DataType) (Expr, error) {
	if arrow.TypeEqual(e.Type(), t) {
		return e, nil
	}
	if c, ok := e.(*Const); ok {
		v, err := castConst(c.Value, t)
		if err != nil {
			return nil, &TypeError{Msg: fmt.Sprintf("%s: %v", c, err)}
		}
		return &Const{Value: v}, nil
	}
	return &Cast{X: e, T: t}, nil
}

func (b *binder) arith(e *sqlparser.BinaryExpr, sc *scope) (Expr, error) {
	switch e.Operator {
	case sqlparser.PlusStr, sqlparser.MinusStr, sqlparser.MultStr:
	default:
		return nil, notSupported(b.src, "", "operator "+e.Operator)
	}
	l, err := b.bindExpr(e.Left, sc)
	if err != nil {
		return nil, err
	}
	r, err := b.bindExpr(e.Right, sc)
	if err != nil {
		return nil, err
	}
	if l.Type().ID() == arrow.NULL || r.Type().ID() == arrow.NULL {
		return &Const{Value: scalar.ScalarNull}, nil
	}
	lt, rt := l.Type(), r.Type()
	if !isNumeric(lt) || !isNumeric(rt) {
		return nil, b.src.errorf("", nil, "%s needs numbers, but %s is %s and %s is %s", e.Operator, l, typeName(lt), r, typeName(rt))
	}
	var t arrow.DataType
	switch {
	case isFloat(lt) || isFloat(rt):
		t = arrow.PrimitiveTypes.Float64
		if l, err = coerce(l, t); err != nil {
			return nil, err
		}
		if r, err = coerce(r, t); err != nil {
			return nil, err
		}
	case isInteger(lt) && isInteger(rt):
		t = arrow.PrimitiveTypes.Int64
		if l, err = coerce(l, t); err != nil {
			return nil, err
		}
		if r, err = coerce(r, t); err != nil {
			return nil, err
		}
	default:
		dl, dr := asDecimal(lt), asDecimal(rt)
		if l, err = coerce(l, dl); err != nil {
			return nil, err
		}
		if r, err = coerce(r, dr); err != nil {
			return nil, err
		}
		if e.Operator == sqlparser.MultStr {
			t = &arrow.Decimal128Type{Precision: min(38, dl.Precision+dr.Precision+1), Scale: dl.Scale + dr.Scale}
		} else {
			scale := max(dl.Scale, dr.Scale)
			digits := max(dl.Precision-dl.Scale, dr.Precision-dr.Scale) + 1
			t = &arrow.Decimal128Type{Precision: min(38, digits+scale), Scale: scale}
		}
	}
	return &Arith{Op: e.Operator, L: l, R: r, T: t}, nil
}

// literal types a constant as MySQL and DuckDB do: integers are BIGINT,
// numbers with a point are exact DECIMALs, numbers with an exponent are
// DOUBLE, quoted text is a string (converted when compared).
func (b *binder) literal(v *sqlparser.SQLVal) (Expr, error) {
	s := string(v.Val)
	switch v.Type {
	case sqlparser.StrVal:
		return &Const{Value: scalar.NewStringScalar(s)}, nil
	case sqlparser.IntVal:
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return &Const{Value: scalar.NewInt64Scalar(n)}, nil
		}
		return decimalLiteral(s)
	case sqlparser.FloatVal:
		if strings.ContainsAny(s, "eE") {
			f, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return nil, b.src.errorf(s, nil, "bad number %s", s)
			}
			return &Const{Value: scalar.NewFloat64Scalar(f)}, nil
		}
		return decimalLiteral(s)
	case sqlparser.ValArg:
		return nil, notSupported(b.src, "?", "parameters")
	}
	return nil, notSupported(b.src, s, "literal "+sqlparser.String(v))
}

func decimalLiteral(s string) (Expr, error) {
	digits := strings.TrimLeft(strings.Replace(s, ".", "", 1), "0")
	scale := 0
	if i := strings.IndexByte(s, '.'); i >= 0 {
		scale = len(s) - i - 1
	}
	prec := max(len(digits), scale, 1)
	if prec > 38 {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, err
		}
		return &Const{Value: scalar.NewFloat64Scalar(f)}, nil
	}
	t := &arrow.Decimal128Type{Precision: int32(prec), Scale: int32(scale)}
	n, err := decimal128.FromString(s, t.Precision, t.Scale)
	if err != nil {
		return nil, err
	}
	return &Const{Value: scalar.NewDecimal128Scalar(n, t)}, nil
}

func negateConst(v scalar.Scalar) (scalar.Scalar, bool) {
	switch v := v.(type) {
	case *scalar.Int64:
		if v.Value == -v.Value && v.Value != 0 {
			return nil, false
		}
		return scalar.NewInt64Scalar(-v.Value), true
	case *scalar.Float64:
		return scalar.NewFloat64Scalar(-v.Value), true
	case *scalar.Decimal128:
		return scalar.NewDecimal128Scalar(v.Value.Negate(), v.Type), true
	}
	return nil, false
}
