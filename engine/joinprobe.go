package engine

import (
	"context"
	"io"
	"sync"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
)

// probeWorkers runs a join's probers on goroutines of their own. Each takes
// the next probe batch from the shared probe stream (one at a time, under
// joinRun.probeMu), works it through against the build side, which they
// only read, and sends its output batches to out, where Next picks them
// up in whatever order they come.
type probeWorkers struct {
	out    chan probeResult
	cancel context.CancelFunc
	done   chan struct{} // closed once every prober has returned
	closed bool          // out is drained and closed
}

type probeResult struct {
	rec arrow.Record
	err error
}

// startProbers starts n probers over r's probe side.
func startProbers(r *joinRun, n int) *probeWorkers {
	settleNullCounts(r.build)
	ctx, cancel := context.WithCancel(r.ctx)
	w := &probeWorkers{out: make(chan probeResult, n), cancel: cancel, done: make(chan struct{})}
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		p := r.newProber()
		go func() {
			defer wg.Done()
			w.run(ctx, r, p)
		}()
	}
	go func() {
		wg.Wait()
		close(w.out)
		close(w.done)
	}()
	return w
}

// run is one prober's loop: it ends when the probe side does, on an
// error, which it sends, and when ctx is cancelled.
func (w *probeWorkers) run(ctx context.Context, r *joinRun, p *prober) {
	defer p.releaseBatch()
	send := func(res probeResult) bool {
		select {
		case w.out <- res:
			return true
		case <-ctx.Done():
			if res.rec != nil {
				res.rec.Release()
			}
			return false
		}
	}
	for ctx.Err() == nil {
		r.probeMu.Lock()
		rec, err := r.nextProbe()
		r.probeMu.Unlock()
		if err != nil {
			send(probeResult{err: err})
			return
		}
		if rec == nil {
			return
		}
		if err := p.startBatch(rec); err != nil {
			send(probeResult{err: err})
			return
		}
		for p.cur != nil {
			if ctx.Err() != nil {
				return
			}
			out, err := p.advance()
			if err != nil {
				send(probeResult{err: err})
				return
			}
			if out != nil && !send(probeResult{rec: out}) {
				return
			}
		}
	}
}

// next returns the probers' next output batch, io.EOF once they are all
// done, or the first error one of them met.
func (w *probeWorkers) next(r *joinRun) (arrow.Record, error) {
	select {
	case res, ok := <-w.out:
		switch {
		case !ok:
			w.closed = true
			r.freeBuild()
			return nil, io.EOF
		case res.err != nil:
			r.err = res.err
			w.stop()
			return nil, res.err
		}
		return res.rec, nil
	case <-r.ctx.Done():
		r.err = r.ctx.Err()
		w.stop()
		return nil, r.err
	}
}

// stop cancels the probers, waits for them, and releases what they sent
// that was not taken.
func (w *probeWorkers) stop() {
	if w.closed {
		return
	}
	w.cancel()
	for res := range w.out {
		if res.rec != nil {
			res.rec.Release()
		}
	}
	<-w.done
	w.closed = true
}

// settleNullCounts has every array of rec count its NULLs now: Arrow
// counts them when first asked and stores the count, which probers sharing
// the build side would otherwise race to do.
func settleNullCounts(rec arrow.Record) {
	for _, c := range rec.Columns() {
		settleData(c.Data())
	}
}

func settleData(d arrow.ArrayData) {
	a := array.MakeFromData(d)
	a.NullN()
	a.Release()
	for _, c := range d.Children() {
		settleData(c)
	}
	if d.DataType().ID() == arrow.DICTIONARY {
		settleData(d.Dictionary())
	}
}
