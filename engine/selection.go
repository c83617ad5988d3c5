package engine

import (
	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// Selections: the engine filters batches by gathering the selected rows
// with typed loops (gatherRows). Arrow v15's filter and take kernels grow
// their output buffers a value at a time, which is quadratic for strings
// (seconds for a 64Ki-row batch of short strings).

// selectedRows returns the positions where mask is true (and not NULL).
func selectedRows(mask *array.Boolean) []int32 {
	n := mask.Len()
	idx := make([]int32, 0, n)
	if mask.NullN() == 0 {
		for i := 0; i < n; i++ {
			if mask.Value(i) {
				idx = append(idx, int32(i))
			}
		}
		return idx
	}
	for i := 0; i < n; i++ {
		if mask.IsValid(i) && mask.Value(i) {
			idx = append(idx, int32(i))
		}
	}
	return idx
}

// selectRows returns the rows idx of rec, in that order.
func selectRows(mem memory.Allocator, rec arrow.Record, idx []int32) (arrow.Record, error) {
	cols := make([]arrow.Array, 0, rec.NumCols())
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	for _, c := range rec.Columns() {
		out, err := gatherRows(mem, c, idx)
		if err != nil {
			return nil, err
		}
		cols = append(cols, out)
	}
	return array.NewRecord(rec.Schema(), cols, int64(len(idx))), nil
}
