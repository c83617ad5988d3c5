package planner

import (
	"github.com/hopsql/hopsql/catalog"
	"github.com/hopsql/hopsql/connector"
	"github.com/hopsql/hopsql/engine"
)

// Node is a node of a logical plan.
type Node interface {
	// Columns lists the node's output columns in order.
	Columns() []*Column
	// Inputs lists the node's children.
	Inputs() []Node
}

// ScanNode reads a feature group.
type ScanNode struct {
	Table *catalog.Table
	// Alias qualifies the columns in SQL.
	Alias string
	// All holds one column per feature, in table order.
	All []*Column
	// Read lists the columns the plan needs, in table order; projection
	// pruning sets it (nil until then means all).
	Read []*Column
	// Filters are conjuncts over this scan's columns that the source may
	// use to skip data; they are also evaluated above the scan.
	Filters []Expr
	// rows estimates the rows the scan reads, when its source says; the
	// physical planner sets it before it plans joins.
	rows int64
	// planned is the source's scan, once the physical planner has asked
	// for it; req is what it asked.
	planned connector.Scan
	req     connector.ScanRequest
}

// RemoteJoinNode is a join that a source runs itself: the result of
// Request, which the source took, read through Scan. Join pushdown puts it
// in place of the join tree it replaces (see joinpush.go).
type RemoteJoinNode struct {
	Source  connector.Source
	Request connector.JoinRequest
	Scan    connector.JoinScan
	// Scans are the scans the join replaced, in input order; EXPLAIN
	// names them.
	Scans []*ScanNode
	// Cols are the output columns: each input's Columns, in input order.
	Cols []*Column
}

// FilterNode keeps rows where Pred is true.
type FilterNode struct {
	Input Node
	Pred  Expr
}

// ProjectNode computes Exprs into Cols.
type ProjectNode struct {
	Input Node
	Exprs []Expr
	Cols  []*Column
}

// JoinKind is the SQL join type.
type JoinKind int

// Join kinds.
const (
	JoinInner JoinKind = iota
	JoinLeft
	JoinCross
	JoinFull
	// JoinSemi keeps the left rows with a match, JoinAnti those without;
	// both output the left columns only.
	JoinSemi
	JoinAnti
)

func (k JoinKind) String() string {
	switch k {
	case JoinLeft:
		return "LEFT"
	case JoinCross:
		return "CROSS"
	case JoinFull:
		return "FULL"
	case JoinSemi:
		return "SEMI"
	case JoinAnti:
		return "ANTI"
	}
	return "INNER"
}

// JoinNode joins two inputs; its output is Left's columns then Right's.
type JoinNode struct {
	Left, Right Node
	Kind        JoinKind
	// On is the join condition (nil for a cross join). Rules move its
	// parts into Keys and Residual.
	On Expr
	// Keys are equalities between an expression over Left and one over
	// Right.
	Keys []JoinKey
	// Residual is the rest of the join condition, over both sides.
	Residual Expr
	// NullAware gives an anti join NOT IN's semantics for NULL keys.
	NullAware bool
}

// AggregateNode groups its input by Keys and computes Aggs; its output is
// one column per key, then one per aggregate.
type AggregateNode struct {
	Input Node
	Keys  []Expr
	Aggs  []AggCall
	Cols  []*Column
}

// AggCall is one aggregate: Func over Arg (nil for COUNT(*)).
type AggCall struct {
	Func     engine.AggFunc
	Arg      Expr
	Distinct bool
}

func (a AggCall) String() string {
	arg := "*"
	if a.Arg != nil {
		arg = a.Arg.String()
		if a.Distinct {
			arg = "DISTINCT " + arg
		}
	}
	return a.Func.String() + "(" + arg + ")"
}

// SortNode orders its input.
type SortNode struct {
	Input Node
	Keys  []SortItem
}

// SortItem is one ORDER BY key.
type SortItem struct {
	X          Expr
	Desc       bool
	NullsFirst bool
}

// UnionNode yields the rows of its inputs (UNION ALL); every input's
// columns have the types of Cols.
type UnionNode struct {
	Sides []Node
	Cols  []*Column
}

// SingleRowNode passes at most one row and fails on a second; with no
// input row it yields one row of NULLs. Scalar subqueries use it.
type SingleRowNode struct {
	Input Node
}

// ValuesNode is a constant relation: one row of no columns for a SELECT
// without FROM.
type ValuesNode struct{}

// JoinKey is one equality of a hash join.
type JoinKey struct{ L, R Expr }

// LimitNode passes Count rows after skipping Offset.
type LimitNode struct {
	Input         Node
	Offset, Count int64
}

func (n *ScanNode) Columns() []*Column {
	if n.Read != nil {
		return n.Read
	}
	return n.All
}
func (n *FilterNode) Columns() []*Column  { return n.Input.Columns() }
func (n *ProjectNode) Columns() []*Column { return n.Cols }
func (n *JoinNode) Columns() []*Column {
	if n.Kind == JoinSemi || n.Kind == JoinAnti {
		return n.Left.Columns()
	}
	return append(append([]*Column{}, n.Left.Columns()...), n.Right.Columns()...)
}
func (n *LimitNode) Columns() []*Column     { return n.Input.Columns() }
func (n *AggregateNode) Columns() []*Column { return n.Cols }
func (n *SortNode) Columns() []*Column      { return n.Input.Columns() }
func (n *UnionNode) Columns() []*Column     { return n.Cols }
func (n *SingleRowNode) Columns() []*Column { return n.Input.Columns() }
func (n *ValuesNode) Columns() []*Column    { return nil }

func (n *ScanNode) Inputs() []Node      { return nil }
func (n *FilterNode) Inputs() []Node    { return []Node{n.Input} }
func (n *ProjectNode) Inputs() []Node   { return []Node{n.Input} }
func (n *JoinNode) Inputs() []Node      { return []Node{n.Left, n.Right} }
func (n *LimitNode) Inputs() []Node     { return []Node{n.Input} }
func (n *AggregateNode) Inputs() []Node { return []Node{n.Input} }
func (n *SortNode) Inputs() []Node      { return []Node{n.Input} }
func (n *UnionNode) Inputs() []Node     { return n.Sides }
func (n *SingleRowNode) Inputs() []Node { return []Node{n.Input} }
func (n *ValuesNode) Inputs() []Node    { return nil }

func (n *RemoteJoinNode) Columns() []*Column { return n.Cols }
func (n *RemoteJoinNode) Inputs() []Node     { return nil }

// mapInputs replaces each input of n by fn of it.
func mapInputs(n Node, fn func(Node) Node) {
	switch n := n.(type) {
	case *FilterNode:
		n.Input = fn(n.Input)
	case *ProjectNode:
		n.Input = fn(n.Input)
	case *AggregateNode:
		n.Input = fn(n.Input)
	case *SortNode:
		n.Input = fn(n.Input)
	case *LimitNode:
		n.Input = fn(n.Input)
	case *SingleRowNode:
		n.Input = fn(n.Input)
	case *UnionNode:
		for i := range n.Sides {
			n.Sides[i] = fn(n.Sides[i])
		}
	case *JoinNode:
		n.Left = fn(n.Left)
		n.Right = fn(n.Right)
	}
}

// idSet returns the IDs of cols.
func idSet(cols []*Column) map[int]bool {
	s := make(map[int]bool, len(cols))
	for _, c := range cols {
		s[c.ID] = true
	}
	return s
}

// subset reports whether every key of a is in b.
func subset(a, b map[int]bool) bool {
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}
