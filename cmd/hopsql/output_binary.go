package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/compress"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
)

// parquetRowGroupRows is the number of rows of a Parquet row group. The
// rows of a row group are kept (encoded and compressed) until it is
// complete, so this bounds what writing Parquet keeps of a result.
const parquetRowGroupRows = 128 * 1024

// writeArrow writes rr as an Arrow IPC stream: the schema, each batch as
// it comes, and the end-of-stream marker.
func writeArrow(w io.Writer, rr array.RecordReader) (int64, error) {
	iw := ipc.NewWriter(w, ipc.WithSchema(rr.Schema()))
	n, err := eachBatch(rr, func(rec arrow.Record) error {
		if err := iw.Write(rec); err != nil {
			return fmt.Errorf("writing Arrow: %w", err)
		}
		return nil
	})
	if err != nil {
		return n, err
	}
	if err := iw.Close(); err != nil {
		return n, fmt.Errorf("writing Arrow: %w", err)
	}
	return n, nil
}

// writeParquet writes rr as a Parquet file, Snappy-compressed, in row
// groups of parquetRowGroupRows rows. The Arrow schema is stored in the
// file too, so that Arrow readers get the result's types back exactly.
// When rr fails, the file is left without its footer.
func writeParquet(w io.Writer, rr array.RecordReader) (int64, error) {
	schema := rr.Schema()
	if schema.NumFields() == 0 {
		return 0, errors.New("parquet output needs at least one column")
	}
	bw := bufio.NewWriter(w)
	props := parquet.NewWriterProperties(
		parquet.WithCompression(compress.Codecs.Snappy),
		parquet.WithMaxRowGroupLength(parquetRowGroupRows),
	)
	// The Parquet writer closes a sink that is an io.Closer; bw is not,
	// and w, which the caller owns, stays open.
	fw, err := pqarrow.NewFileWriter(schema, bw, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		return 0, fmt.Errorf("writing Parquet: %w", err)
	}
	n, err := eachBatch(rr, func(rec arrow.Record) error {
		if err := fw.WriteBuffered(rec); err != nil {
			return fmt.Errorf("writing Parquet: %w", err)
		}
		return nil
	})
	if err != nil {
		// No footer: what was written is not a Parquet file, rather than
		// one that looks complete. The writer's buffers are Go memory.
		return n, err
	}
	if err := fw.Close(); err != nil {
		return n, fmt.Errorf("writing Parquet: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return n, fmt.Errorf("writing Parquet: %w", err)
	}
	return n, nil
}
