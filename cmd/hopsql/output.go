package main

import (
	"fmt"
	"io"

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
	// MaxRows is the number of rows a table shows; 0 means all.
	MaxRows  int
	Expanded expandedMode
	// Terminal says the output is a terminal (binary formats refuse it).
	Terminal bool
}

func defaultOutputOptions(terminal bool) outputOptions {
	o := outputOptions{Format: formatCSV, MaxRows: defaultMaxRows}
	if terminal {
		o.Format = formatTable
	}
	return o
}

func parseFormat(s string) (outputFormat, error) {
	switch f := outputFormat(s); f {
	case formatTable, formatCSV, formatTSV, formatJSON, formatJSONL, formatMarkdown, formatArrow, formatParquet:
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q: use table, csv, tsv, json, jsonl, markdown, arrow or parquet", s)
}

// writeResult writes the whole result of rr to w in the format of o and
// returns the number of rows.
func writeResult(w io.Writer, rr array.RecordReader, o *outputOptions) (int64, error) {
	return tableWriter{maxRows: o.MaxRows}.write(w, rr)
}
