package tpch

import (
	"context"

	"github.com/pingcap/go-tpc/tpch/dbgen"
)

// The loaders receive dbgen's rows one at a time and append them to the
// builders of their table, in the column order of FeatureGroups. Flush is
// a no-op: generate writes the last batch of every table once dbgen is
// done.

type nationLoader struct {
	ctx context.Context
	t   *table
}

// Load appends the NATION row(s) of a dbgen item.
func (l *nationLoader) Load(item any) error {
	n := item.(*dbgen.Nation)
	l.t.i64(0).Append(int64(n.Code))
	l.t.str(1).Append(n.Text)
	l.t.i64(2).Append(int64(n.Join))
	l.t.str(3).Append(n.Comment)
	return l.t.row(l.ctx)
}

// Flush does nothing; see generate.
func (l *nationLoader) Flush() error { return nil }

type regionLoader struct {
	ctx context.Context
	t   *table
}

// Load appends the REGION row(s) of a dbgen item.
func (l *regionLoader) Load(item any) error {
	r := item.(*dbgen.Region)
	l.t.i64(0).Append(int64(r.Code))
	l.t.str(1).Append(r.Text)
	l.t.str(2).Append(r.Comment)
	return l.t.row(l.ctx)
}

// Flush does nothing; see generate.
func (l *regionLoader) Flush() error { return nil }

type customerLoader struct {
	ctx context.Context
	t   *table
}

// Load appends the CUSTOMER row(s) of a dbgen item.
func (l *customerLoader) Load(item any) error {
	c := item.(*dbgen.Cust)
	l.t.i64(0).Append(int64(c.CustKey))
	l.t.str(1).Append(c.Name)
	l.t.str(2).Append(c.Address)
	l.t.i64(3).Append(int64(c.NationCode))
	l.t.str(4).Append(c.Phone)
	l.t.dec(5).Append(cents(int64(c.Acctbal)))
	l.t.str(6).Append(c.MktSegment)
	l.t.str(7).Append(c.Comment)
	return l.t.row(l.ctx)
}

// Flush does nothing; see generate.
func (l *customerLoader) Flush() error { return nil }

type supplierLoader struct {
	ctx context.Context
	t   *table
}

// Load appends the SUPPLIER row(s) of a dbgen item.
func (l *supplierLoader) Load(item any) error {
	s := item.(*dbgen.Supp)
	l.t.i64(0).Append(int64(s.SuppKey))
	l.t.str(1).Append(s.Name)
	l.t.str(2).Append(s.Address)
	l.t.i64(3).Append(int64(s.NationCode))
	l.t.str(4).Append(s.Phone)
	l.t.dec(5).Append(cents(int64(s.Acctbal)))
	l.t.str(6).Append(s.Comment)
	return l.t.row(l.ctx)
}

// Flush does nothing; see generate.
func (l *supplierLoader) Flush() error { return nil }

type partLoader struct {
	ctx context.Context
	t   *table
}

// Load appends the PART row(s) of a dbgen item.
func (l *partLoader) Load(item any) error {
	p := item.(*dbgen.Part)
	l.t.i64(0).Append(int64(p.PartKey))
	l.t.str(1).Append(p.Name)
	l.t.str(2).Append(p.Mfgr)
	l.t.str(3).Append(p.Brand)
	l.t.str(4).Append(p.Type)
	l.t.i32(5).Append(int32(p.Size))
	l.t.str(6).Append(p.Container)
	l.t.dec(7).Append(cents(int64(p.RetailPrice)))
	l.t.str(8).Append(p.Comment)
	return l.t.row(l.ctx)
}

// Flush does nothing; see generate.
func (l *partLoader) Flush() error { return nil }

type partsuppLoader struct {
	ctx context.Context
	t   *table
}

// Load appends the PARTSUPP row(s) of a dbgen item.
func (l *partsuppLoader) Load(item any) error {
	for _, s := range item.(*dbgen.Part).S {
		l.t.i64(0).Append(int64(s.PartKey))
		l.t.i64(1).Append(int64(s.SuppKey))
		l.t.i32(2).Append(int32(s.Qty))
		l.t.dec(3).Append(cents(int64(s.SCost)))
		l.t.str(4).Append(s.Comment)
		if err := l.t.row(l.ctx); err != nil {
			return err
		}
	}
	return nil
}

// Flush does nothing; see generate.
func (l *partsuppLoader) Flush() error { return nil }

type ordersLoader struct {
	ctx context.Context
	t   *table
}

// Load appends the ORDERS row(s) of a dbgen item.
func (l *ordersLoader) Load(item any) error {
	o := item.(*dbgen.Order)
	d, err := date(o.Date)
	if err != nil {
		return err
	}
	l.t.i64(0).Append(int64(o.OKey))
	l.t.i64(1).Append(int64(o.CustKey))
	l.t.str(2).Append(o.Status)
	l.t.dec(3).Append(cents(int64(o.TotalPrice)))
	l.t.date(4).Append(d)
	l.t.str(5).Append(o.OrderPriority)
	l.t.str(6).Append(o.Clerk)
	l.t.i32(7).Append(int32(o.ShipPriority))
	l.t.str(8).Append(o.Comment)
	return l.t.row(l.ctx)
}

// Flush does nothing; see generate.
func (l *ordersLoader) Flush() error { return nil }

type lineitemLoader struct {
	ctx context.Context
	t   *table
}

// Load appends the LINEITEM row(s) of a dbgen item.
func (l *lineitemLoader) Load(item any) error {
	for _, li := range item.(*dbgen.Order).Lines {
		ship, err := date(li.SDate)
		if err != nil {
			return err
		}
		commit, err := date(li.CDate)
		if err != nil {
			return err
		}
		receipt, err := date(li.RDate)
		if err != nil {
			return err
		}
		l.t.i64(0).Append(int64(li.OKey))
		l.t.i64(1).Append(int64(li.PartKey))
		l.t.i64(2).Append(int64(li.SuppKey))
		l.t.i32(3).Append(int32(li.LCnt))
		l.t.dec(4).Append(cents(int64(li.Quantity) * 100))
		l.t.dec(5).Append(cents(int64(li.EPrice)))
		l.t.dec(6).Append(cents(int64(li.Discount)))
		l.t.dec(7).Append(cents(int64(li.Tax)))
		l.t.str(8).Append(li.RFlag)
		l.t.str(9).Append(li.LStatus)
		l.t.date(10).Append(ship)
		l.t.date(11).Append(commit)
		l.t.date(12).Append(receipt)
		l.t.str(13).Append(li.ShipInstruct)
		l.t.str(14).Append(li.ShipMode)
		l.t.str(15).Append(li.Comment)
		if err := l.t.row(l.ctx); err != nil {
			return err
		}
	}
	return nil
}

// Flush does nothing; see generate.
func (l *lineitemLoader) Flush() error { return nil }
