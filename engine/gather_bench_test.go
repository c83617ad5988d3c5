package engine

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// BenchmarkGatherStrings gathers a batch of scattered rows of a string
// column of a million rows, as a join does from its build side.
func BenchmarkGatherStrings(b *testing.B) {
	mem := memory.NewGoAllocator()
	r := rand.New(rand.NewPCG(1, 2))
	for _, width := range []int{8, 24} {
		sb := array.NewStringBuilder(mem)
		for i := range 1 << 20 {
			sb.Append(fmt.Sprintf("%0*d", width, i))
		}
		arr := sb.NewArray()
		sb.Release()
		idx := make([]int32, 64<<10)
		for i := range idx {
			idx[i] = int32(r.IntN(arr.Len()))
		}
		b.Run(fmt.Sprintf("width=%d", width), func(b *testing.B) {
			b.SetBytes(int64(len(idx) * width))
			for b.Loop() {
				out, err := gatherRows(mem, arr, idx)
				if err != nil {
					b.Fatal(err)
				}
				out.Release()
			}
		})
		arr.Release()
	}
}
