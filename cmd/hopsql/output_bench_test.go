package main

import (
	"io"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/require"
)

// BenchmarkWriteResult writes 100,000 rows of the fixture's columns, in
// batches of 10,000, in each format.
func BenchmarkWriteResult(b *testing.B) {
	const rows, batch = 100_000, 10_000
	cols := fixture()
	for c := range cols {
		base := cols[c].values
		cols[c].values = make([]any, batch)
		for i := range batch {
			cols[c].values[i] = base[i%len(base)]
		}
	}
	rec := fixtureRecord(b, memory.DefaultAllocator, cols, 0, batch)
	defer rec.Release()
	recs := make([]arrow.Record, rows/batch)
	for i := range recs {
		recs[i] = rec
	}
	for _, format := range []outputFormat{formatTable, formatCSV, formatTSV, formatJSON, formatJSONL, formatMarkdown, formatArrow, formatParquet} {
		b.Run(string(format), func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				rr, err := array.NewRecordReader(rec.Schema(), recs)
				require.NoError(b, err)
				n, err := writeResult(io.Discard, rr, &outputOptions{Format: format, MaxRows: defaultMaxRows})
				require.NoError(b, err)
				require.Equal(b, int64(rows), n)
				rr.Release()
			}
			b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
