package main

import (
	"fmt"
	"io"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
)

// defaultMaxRows is how many rows a table shows by default (the first
// and last halves of a longer result).
const defaultMaxRows = 40

// outputFormat is a result format of --format and \format.
type outputFormat string

// The output formats.
const (
	formatTable    outputFormat = "table"
	formatCSV      outputFormat = "csv"
	formatTSV      outputFormat = "tsv"
	formatJSON     outputFormat = "json"
	formatJSONL    outputFormat = "jsonl"
	formatMarkdown outputFormat = "markdown"
	formatArrow    outputFormat = "arrow"
	formatParquet  outputFormat = "parquet"
)

// expandedMode is \x: tables shown one column per line.
type expandedMode int

const (
	expandedOff expandedMode = iota
	expandedOn
	expandedAuto // vertical when the table is wider than the terminal
)

// outputOptions say how results are written.
type outputOptions struct {
	Format outputFormat
	// Width is the width tables must fit (the terminal's); 0 means no bound.
	Width int
	// MaxRows is the number of rows a table shows, the first and last
	// halves of a longer result; 0 means all.
	MaxRows int
	// Expanded is \x: whether tables show each row as a block of lines.
	Expanded expandedMode
	// Terminal says the output is a terminal, which binary formats
	// (arrow, parquet) refuse to write to.
	Terminal bool
}

// defaultOutputOptions are the options of output to a terminal or not:
// tables on a terminal, CSV otherwise.
func defaultOutputOptions(terminal bool) outputOptions {
	o := outputOptions{Format: formatCSV, MaxRows: defaultMaxRows, Terminal: terminal}
	if terminal {
		o.Format = formatTable
	}
	return o
}

// parseFormat reads the name of an output format.
func parseFormat(s string) (outputFormat, error) {
	switch f := outputFormat(s); f {
	case formatTable, formatCSV, formatTSV, formatJSON, formatJSONL, formatMarkdown, formatArrow, formatParquet:
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q: use table, csv, tsv, json, jsonl, markdown, arrow or parquet", s)
}

// writeResult writes the whole result of rr to w in the format of o and
// returns the number of rows. Each format but table writes each batch as
// it comes and keeps nothing; tables keep the o.MaxRows rows they show
// (the first and last halves) and print once the result is read. When rr
// fails part way, the error is returned, and what was written stays
// written: tables print nothing, and Parquet output lacks its footer.
//
// How values are written: textFormatter for table, csv, tsv and markdown
// (NULL as ∅ in tables and Markdown, an empty field in CSV, \N in TSV),
// jsonFormatter for json and jsonl.
func writeResult(w io.Writer, rr array.RecordReader, o *outputOptions) (int64, error) {
	switch o.Format {
	case formatCSV:
		return writeCSV(w, rr)
	case formatTSV:
		return writeTSV(w, rr)
	case formatJSON:
		return writeJSON(w, rr, false)
	case formatJSONL:
		return writeJSON(w, rr, true)
	case formatMarkdown:
		return writeMarkdown(w, rr)
	case formatArrow, formatParquet:
		if o.Terminal {
			return 0, fmt.Errorf("%s output is binary and is not written to a terminal: use -o FILE, or redirect standard output", o.Format)
		}
		if o.Format == formatArrow {
			return writeArrow(w, rr)
		}
		return writeParquet(w, rr)
	}
	return writeTable(w, rr, o)
}

// eachBatch calls f with each batch of rr, in order, and returns the
// number of rows of the batches f accepted.
func eachBatch(rr array.RecordReader, f func(rec arrow.Record) error) (int64, error) {
	var n int64
	for rr.Next() {
		rec := rr.Record()
		if err := f(rec); err != nil {
			return n, err
		}
		n += rec.NumRows()
	}
	return n, rr.Err()
}
