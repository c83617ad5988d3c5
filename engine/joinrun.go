package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/compute"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/arrow/scalar"
)

// pairSource yields a join's candidate (probe row, build row) pairs, one
// probe batch at a time: equal keys for a hash join, every pair for a
// nested-loop join. A source belongs to one prober.
type pairSource interface {
	// start begins a probe batch.
	start(rec arrow.Record) error
	// pairs appends candidate pairs, resuming where the previous call
	// stopped, until pi is full (len == cap) or the batch has no more
	// (done). Probe rows i with skip[i] set may be left out; skip is nil
	// when every pair is needed.
	pairs(pi, bi []int32, skip []bool) (_, _ []int32, done bool)
	// mark sets matched[i] for every probe row that has a candidate; semi
	// and anti joins without a residual condition need no more.
	mark(matched []bool)
}

// joinRun is what hash and nested-loop joins share: it streams the probe
// side against a materialised build side, takes candidate pairs from its
// sources, keeps those the residual condition accepts, tracks which rows
// matched, and builds the output batches of every join type.
//
// The probe side is worked through by probers. Joins that yield probe
// rows only (all but full and right joins, which track the build rows
// that matched) run one prober per Exec.Parallelism on goroutines of
// their own, each taking whole probe batches in turn: the output comes in
// no particular order. Otherwise one prober runs on the caller's
// goroutine.
type joinRun struct {
	ctx      context.Context
	mem      memory.Allocator
	x        *Exec
	acct     account
	typ      JoinType
	residual Expr
	out      *arrow.Schema
	joined   *arrow.Schema // probe then build fields: what residual reads
	batch    int
	probeOp  Operator

	build        arrow.Record
	buildMatched []bool // for the joins that yield build rows
	newSources   func() []pairSource

	probeMu   sync.Mutex // guards probe and probeDone while probers share them
	probe     Stream
	probeDone bool
	serial    *prober       // the prober on the caller's goroutine
	workers   *probeWorkers // the probers on goroutines of their own
	tail      int           // the next build row to look at, once the probe side is done
	tailRows  []int32
	err       error

	// The build side is read on the first Next: buildOp is opened and
	// materialized, then sources (set by each join kind) derive the pair
	// sources from it.
	buildOp  Operator
	sources  func(build arrow.Record, acct *account) (func() []pairSource, error)
	built    bool
	buildErr error
}

// prober works through probe batches against the build side.
type prober struct {
	r       *joinRun
	srcs    []pairSource
	cur     arrow.Record // the probe batch in progress
	matched []bool       // which rows of cur matched
	src     int          // the source giving cur's pairs
	pi, bi  []int32
	sel     []int32
}

func (r *joinRun) newProber() *prober {
	return &prober{
		r:    r,
		srcs: r.newSources(),
		pi:   make([]int32, 0, r.batch),
		bi:   make([]int32, 0, r.batch),
	}
}

// Next implements Stream for every join kind: it reads the build side
// once, then yields joined batches.
func (r *joinRun) Next() (arrow.Record, error) {
	if !r.built {
		r.built = true
		r.buildErr = r.readBuild()
	}
	if r.buildErr != nil {
		return nil, r.buildErr
	}
	if r.err != nil {
		return nil, r.err
	}
	if r.workers != nil {
		return r.workers.next(r)
	}
	return r.next()
}

// Close implements Stream.
func (r *joinRun) Close() error { return r.close() }

// readBuild materializes the build side, accounting its memory, and sets up
// the pair sources and probers.
func (r *joinRun) readBuild() error {
	in, err := r.buildOp.Open(r.ctx, r.x)
	if err != nil {
		return err
	}
	rec, err := materialize(in, r.buildOp.Schema(), r.mem, &r.acct)
	if err != nil {
		return err
	}
	if err := r.setBuild(rec); err != nil {
		return err
	}
	if r.newSources, err = r.sources(rec, &r.acct); err != nil {
		return err
	}
	if n := r.x.parallelism(); n > 1 && !r.typ.yieldsBuild() {
		r.workers = startProbers(r, n)
		return nil
	}
	r.serial = r.newProber()
	return nil
}

func newJoinRun(ctx context.Context, x *Exec, op string, typ JoinType, residual Expr, probe, build Operator, out *arrow.Schema,
	sources func(build arrow.Record, acct *account) (func() []pairSource, error)) *joinRun {
	mem := x.mem()
	joined := out
	if typ.probeOnly() || typ.buildOnly() {
		joined = JoinOutput(probe.Schema(), build.Schema(), InnerJoin)
	}
	return &joinRun{
		buildOp:  build,
		sources:  sources,
		ctx:      compute.WithAllocator(ctx, mem),
		mem:      mem,
		x:        x,
		acct:     account{x: x, op: op},
		typ:      typ,
		residual: residual,
		out:      out,
		joined:   joined,
		batch:    x.batchSize(),
		probeOp:  probe,
	}
}

// checkJoin validates what joins have in common.
func checkJoin(typ JoinType, residual Expr, probe, build, out *arrow.Schema) error {
	if typ < InnerJoin || typ > RightAntiJoin {
		return fmt.Errorf("engine: unknown join type %d", int(typ))
	}
	if residual != nil && residual.Type().ID() != arrow.BOOL {
		return fmt.Errorf("engine: join condition %s is %s, not boolean", residual, residual.Type())
	}
	if out == nil {
		return errors.New("engine: join has no output schema")
	}
	want := probe.NumFields() + build.NumFields()
	switch {
	case typ.probeOnly():
		want = probe.NumFields()
	case typ.buildOnly():
		want = build.NumFields()
	}
	if out.NumFields() != want {
		return fmt.Errorf("engine: %s join output has %d columns, expected %d", typ, out.NumFields(), want)
	}
	return nil
}

// setBuild installs the materialised build side.
func (r *joinRun) setBuild(rec arrow.Record) error {
	r.build = rec
	if r.typ.yieldsBuild() {
		n := int(rec.NumRows())
		if err := r.acct.reserve(int64(n)); err != nil {
			return err
		}
		r.buildMatched = make([]bool, n)
	}
	return nil
}

// existsOnly says whether matched rows are all the join needs to know.
func (r *joinRun) existsOnly() bool {
	return (r.typ == SemiJoin || r.typ == AntiJoin) && r.residual == nil
}

// next runs the serial prober.
func (r *joinRun) next() (arrow.Record, error) {
	p := r.serial
	for {
		if err := r.ctx.Err(); err != nil {
			return nil, err
		}
		if p.cur == nil {
			rec, err := r.nextProbe()
			if err != nil {
				return nil, err
			}
			if rec == nil {
				return r.nextTail()
			}
			if err := p.startBatch(rec); err != nil {
				return nil, err
			}
			continue
		}
		out, err := p.advance()
		if out != nil || err != nil {
			return out, err
		}
	}
}

// nextProbe returns the next non-empty probe batch, or nil at the end.
// Parallel probers call it holding probeMu.
func (r *joinRun) nextProbe() (arrow.Record, error) {
	if r.probeDone {
		return nil, nil
	}
	if r.probe == nil {
		if r.build.NumRows() == 0 && r.typ != LeftJoin && r.typ != AntiJoin && r.typ != FullJoin {
			r.probeDone = true
			return nil, nil // nothing can match, and no probe row is yielded unmatched
		}
		p, err := r.probeOp.Open(r.ctx, r.x)
		if err != nil {
			return nil, err
		}
		r.probe = p
	}
	for {
		rec, err := r.probe.Next()
		if errors.Is(err, io.EOF) {
			r.probeDone = true
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		if rec.NumRows() > 0 {
			return rec, nil
		}
		rec.Release()
	}
}

func (p *prober) startBatch(rec arrow.Record) error {
	r := p.r
	p.cur = rec
	p.matched = sizedSlice(p.matched, int(rec.NumRows()))
	clear(p.matched)
	p.src = 0
	for _, s := range p.srcs {
		if err := s.start(rec); err != nil {
			return err
		}
	}
	if r.existsOnly() {
		for _, s := range p.srcs {
			s.mark(p.matched)
		}
		p.src = len(p.srcs)
	}
	return nil
}

// advance takes the next step through the current probe batch: a chunk of
// pairs, or once the sources are done what the batch yields besides.
func (p *prober) advance() (arrow.Record, error) {
	if p.src < len(p.srcs) {
		return p.step()
	}
	return p.finishBatch()
}

// step takes the next chunk of pairs from the current source.
func (p *prober) step() (arrow.Record, error) {
	r := p.r
	var skip []bool
	if r.typ == SemiJoin || r.typ == AntiJoin {
		skip = p.matched
	}
	pi, bi, done := p.srcs[p.src].pairs(p.pi[:0], p.bi[:0], skip)
	if done {
		p.src++
	}
	if len(pi) == 0 {
		return nil, nil
	}
	if r.residual == nil {
		p.markPairs(pi, bi)
		if r.typ.buildOnly() {
			return nil, nil
		}
		return p.gatherPairs(r.out, pi, bi)
	}
	joined, err := p.gatherPairs(r.joined, pi, bi)
	if err != nil {
		return nil, err
	}
	mask, err := r.residual.Eval(r.ctx, joined)
	if err != nil {
		joined.Release()
		return nil, err
	}
	p.sel, err = selectTrue(p.sel[:0], mask, len(pi))
	mask.Release()
	if err != nil {
		joined.Release()
		return nil, fmt.Errorf("engine: join condition %s: %w", r.residual, err)
	}
	p.markSelected(pi, bi, p.sel)
	switch {
	case r.typ.probeOnly() || r.typ.buildOnly() || len(p.sel) == 0:
		joined.Release()
		return nil, nil
	case len(p.sel) == len(pi):
		return joined, nil
	}
	defer joined.Release()
	return gatherRecordRows(r.mem, r.out, joined, p.sel)
}

// markPairs records that the pairs matched.
func (p *prober) markPairs(pi, bi []int32) {
	switch r := p.r; {
	case r.typ == InnerJoin:
	case r.typ.yieldsBuild():
		for k, i := range pi {
			p.matched[i] = true
			r.buildMatched[bi[k]] = true
		}
	default:
		for _, i := range pi {
			p.matched[i] = true
		}
	}
}

// markSelected records that the pairs at positions sel matched.
func (p *prober) markSelected(pi, bi, sel []int32) {
	r := p.r
	for _, k := range sel {
		p.matched[pi[k]] = true
		if r.buildMatched != nil {
			r.buildMatched[bi[k]] = true
		}
	}
}

// finishBatch emits what the probe batch yields besides pairs: its
// unmatched rows for outer joins, its matched or unmatched rows for semi
// and anti joins.
func (p *prober) finishBatch() (arrow.Record, error) {
	r := p.r
	defer p.releaseBatch()
	var want bool
	switch r.typ {
	case InnerJoin, RightJoin, RightSemiJoin, RightAntiJoin:
		return nil, nil // the probe side's unmatched rows are not yielded
	case SemiJoin:
		want = true
	}
	rows := p.sel[:0]
	for i, m := range p.matched {
		if m == want {
			rows = append(rows, int32(i))
		}
	}
	p.sel = rows
	switch {
	case len(rows) == 0:
		return nil, nil
	case r.typ == SemiJoin || r.typ == AntiJoin:
		if len(rows) == len(p.matched) {
			return array.NewRecord(r.out, p.cur.Columns(), p.cur.NumRows()), nil
		}
		return gatherRecordRows(r.mem, r.out, p.cur, rows)
	}
	// Outer joins: the rows with NULLs for the build side.
	bi := sizedSlice(p.bi, len(rows))
	for k := range bi {
		bi[k] = -1
	}
	return p.gatherPairs(r.out, rows, bi)
}

// releaseBatch lets go of the probe batch in progress.
func (p *prober) releaseBatch() {
	if p.cur != nil {
		p.cur.Release()
		p.cur = nil
	}
}

// nextTail emits, after the probe side is done, the build rows the join
// yields: those that matched for a right semi join, those that did not for
// the others, with NULLs for the probe side for full and right joins.
func (r *joinRun) nextTail() (arrow.Record, error) {
	if !r.typ.yieldsBuild() || r.build == nil {
		r.freeBuild()
		return nil, io.EOF
	}
	want := r.typ == RightSemiJoin
	bi := r.tailRows[:0]
	for n := len(r.buildMatched); r.tail < n && len(bi) < r.batch; r.tail++ {
		if r.buildMatched[r.tail] == want {
			bi = append(bi, int32(r.tail))
		}
	}
	r.tailRows = bi
	if len(bi) == 0 {
		r.freeBuild()
		return nil, io.EOF
	}
	if r.typ.buildOnly() {
		return gatherRecordRows(r.mem, r.out, r.build, bi)
	}
	return gatherJoined(r.mem, r.out, r.probeOp.Schema(), nil, nil, r.build, bi)
}

// freeBuild lets go of the build side once the join is done.
func (r *joinRun) freeBuild() {
	if r.build != nil {
		r.build.Release()
		r.build = nil
	}
	r.buildMatched = nil
	r.acct.releaseAll()
}

// gatherPairs builds the joined rows of the pairs (pi[k], bi[k]) of the
// current probe batch; a negative index stands for a row of NULLs.
func (p *prober) gatherPairs(schema *arrow.Schema, pi, bi []int32) (arrow.Record, error) {
	return gatherJoined(p.r.mem, schema, p.r.probeOp.Schema(), p.cur, pi, p.r.build, bi)
}

// gatherJoined builds the joined rows of the pairs (pi[k], bi[k]) of probe
// and build; a negative index, or a nil pi, stands for a row of NULLs.
func gatherJoined(mem memory.Allocator, schema, probeSchema *arrow.Schema, probe arrow.Record, pi []int32, build arrow.Record, bi []int32) (arrow.Record, error) {
	n := len(bi)
	cols := make([]arrow.Array, 0, schema.NumFields())
	var err error
	if pi == nil {
		for _, f := range probeSchema.Fields() {
			cols = append(cols, array.MakeArrayOfNull(mem, f.Type, n))
		}
	} else {
		cols, err = takeColumns(mem, cols, probe, pi)
	}
	if err == nil {
		cols, err = takeColumns(mem, cols, build, bi)
	}
	defer releaseCols(cols)
	if err != nil {
		return nil, err
	}
	return array.NewRecord(schema, cols, int64(n)), nil
}

// gatherRecordRows copies rows of rec into a record of the given schema.
func gatherRecordRows(mem memory.Allocator, schema *arrow.Schema, rec arrow.Record, rows []int32) (arrow.Record, error) {
	cols, err := takeColumns(mem, nil, rec, rows)
	defer releaseCols(cols)
	if err != nil {
		return nil, err
	}
	return array.NewRecord(schema, cols, int64(len(rows))), nil
}

// takeColumns appends rows idx of rec's columns to cols; a run of
// consecutive rows is sliced rather than copied.
func takeColumns(mem memory.Allocator, cols []arrow.Array, rec arrow.Record, idx []int32) ([]arrow.Array, error) {
	if lo, ok := consecutive(idx); ok {
		for _, c := range rec.Columns() {
			cols = append(cols, array.NewSlice(c, lo, lo+int64(len(idx))))
		}
		return cols, nil
	}
	return gatherRecord(mem, cols, rec, idx)
}

// consecutive reports whether idx is lo, lo+1, lo+2, ...
func consecutive(idx []int32) (lo int64, ok bool) {
	if len(idx) == 0 || idx[0] < 0 {
		return 0, false
	}
	for k, v := range idx {
		if v != idx[0]+int32(k) {
			return 0, false
		}
	}
	return int64(idx[0]), true
}

// selectTrue appends to sel the positions where the boolean datum d, of n
// values, is true (not false, not NULL).
func selectTrue(sel []int32, d compute.Datum, n int) ([]int32, error) {
	switch d := d.(type) {
	case *compute.ScalarDatum:
		b, ok := d.Value.(*scalar.Boolean)
		if !ok {
			return nil, fmt.Errorf("condition is %s, not boolean", d.Value.DataType())
		}
		if b.IsValid() && b.Value {
			for k := range n {
				sel = append(sel, int32(k))
			}
		}
		return sel, nil
	case *compute.ArrayDatum:
		arr := d.MakeArray()
		defer arr.Release()
		b, ok := arr.(*array.Boolean)
		if !ok {
			return nil, fmt.Errorf("condition is %s, not boolean", arr.DataType())
		}
		if b.Len() != n {
			return nil, fmt.Errorf("condition has %d values for %d rows", b.Len(), n)
		}
		nulls := b.NullN() > 0
		for k := range n {
			if b.Value(k) && (!nulls || b.IsValid(k)) {
				sel = append(sel, int32(k))
			}
		}
		return sel, nil
	}
	return nil, fmt.Errorf("condition gave %s", d.Kind())
}

// crossSource pairs every probe row with every build row, probe row after
// probe row, for nested-loop joins.
type crossSource struct {
	build int // build rows
	rows  int // rows of the probe batch
	i, j  int // the next pair
}

func (s *crossSource) start(rec arrow.Record) error {
	s.rows, s.i, s.j = int(rec.NumRows()), 0, 0
	return nil
}

func (s *crossSource) pairs(pi, bi []int32, skip []bool) (_, _ []int32, done bool) {
	for ; s.i < s.rows; s.i, s.j = s.i+1, 0 {
		if skip != nil && skip[s.i] {
			continue
		}
		for ; s.j < s.build; s.j++ {
			if len(pi) == cap(pi) {
				return pi, bi, false
			}
			pi, bi = append(pi, int32(s.i)), append(bi, int32(s.j))
		}
	}
	return pi, bi, true
}

func (s *crossSource) mark(matched []bool) {
	if s.build > 0 {
		for i := range matched {
			matched[i] = true
		}
	}
}
func (r *joinRun) close() error {
	if r.workers != nil {
		r.workers.stop()
	}
	var err error
	if r.probe != nil {
		err = r.probe.Close()
		r.probe = nil
	}
	if r.serial != nil {
		r.serial.releaseBatch()
	}
	r.freeBuild()
	r.probeDone = true
	return err
}
