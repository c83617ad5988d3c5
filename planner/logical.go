package planner

import (
	"github.com/hopsql/hopsql/catalog"
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
)

func (k JoinKind) String() string {
	switch k {
	case JoinLeft:
		return "LEFT"
	case JoinCross:
		return "CROSS"
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
}

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
	return append(append([]*Column{}, n.Left.Columns()...), n.Right.Columns()...)
}
func (n *LimitNode) Columns() []*Column { return n.Input.Columns() }

func (n *ScanNode) Inputs() []Node    { return nil }
func (n *FilterNode) Inputs() []Node  { return []Node{n.Input} }
func (n *ProjectNode) Inputs() []Node { return []Node{n.Input} }
func (n *JoinNode) Inputs() []Node    { return []Node{n.Left, n.Right} }
func (n *LimitNode) Inputs() []Node   { return []Node{n.Input} }

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
