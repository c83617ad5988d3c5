package main

import (
	"bufio"
	"encoding/csv"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
)

// writeCSV writes rr as RFC 4180 CSV with a header row of the column
// names. Values are in textFormatter's form; NULL is an empty field, as is
// the empty string. A result without columns writes nothing.
func writeCSV(w io.Writer, rr array.RecordReader) (int64, error) {
	ncol := rr.Schema().NumFields()
	if ncol == 0 {
		return eachBatch(rr, func(arrow.Record) error { return nil })
	}
	cw := csv.NewWriter(w)
	record := columnNames(rr.Schema())
	if err := cw.Write(record); err != nil {
		return 0, err
	}
	var cols []textColumn
	n, err := eachBatch(rr, func(rec arrow.Record) error {
		cols = textColumns(cols, rec)
		for i := range int(rec.NumRows()) {
			for c, col := range cols {
				if col.isNull(i) {
					record[c] = ""
				} else {
					record[c] = col.text(i)
				}
			}
			if err := cw.Write(record); err != nil {
				return err
			}
		}
		cw.Flush() // each batch goes out as it comes
		return cw.Error()
	})
	cw.Flush()
	if err == nil {
		err = cw.Error()
	}
	return n, err
}

// tsvNull is NULL in TSV, as in PostgreSQL's COPY text format; a value
// cannot be \N as its backslash would be escaped.
const tsvNull = `\N`

// writeTSV writes rr as tab-separated values with a header row of the
// column names, in the text format of PostgreSQL's COPY: backslash, tab,
// newline, carriage return, backspace, form feed and vertical tab are
// escaped with a backslash (\\, \t, \n, \r, \b, \f, \v) and NULL is \N.
func writeTSV(w io.Writer, rr array.RecordReader) (int64, error) {
	return writeLines(w, rr, lineFormat{sep: "\t", end: "\n", null: tsvNull, escape: appendTSV})
}

// appendTSV appends s escaped for TSV.
func appendTSV(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch b := s[i]; b {
		case '\\':
			dst = append(dst, `\\`...)
		case '\t':
			dst = append(dst, `\t`...)
		case '\n':
			dst = append(dst, `\n`...)
		case '\r':
			dst = append(dst, `\r`...)
		case '\b':
			dst = append(dst, `\b`...)
		case '\f':
			dst = append(dst, `\f`...)
		case '\v':
			dst = append(dst, `\v`...)
		default:
			dst = append(dst, b)
		}
	}
	return dst
}

// writeMarkdown writes rr as a GitHub Markdown pipe table: the column
// names, an alignment row (numbers right-aligned), then a row per row of
// the result. Values are escaped by appendMarkdown; NULL is nullText, as
// in tables. A result without columns writes nothing.
func writeMarkdown(w io.Writer, rr array.RecordReader) (int64, error) {
	return writeLines(w, rr, lineFormat{
		start: "| ", sep: " | ", end: " |\n", null: nullText, escape: appendMarkdown,
		header: func(dst []byte, schema *arrow.Schema) []byte {
			dst = append(dst, '|')
			for _, f := range schema.Fields() {
				if rightAligned(f.Type) {
					dst = append(dst, " ---: |"...)
				} else {
					dst = append(dst, " --- |"...)
				}
			}
			return append(dst, '\n')
		},
	})
}

// appendMarkdown appends s for a Markdown table cell: backslashes and
// pipes are escaped with a backslash, line breaks become <br>, other
// control characters are escaped as in tables, and invalid UTF-8 becomes
// U+FFFD. Other Markdown (emphasis, links, HTML) is left as it is.
func appendMarkdown(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		if b := s[i]; b >= 0x20 && b < 0x7f && b != '\\' && b != '|' {
			dst = append(dst, b)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch r {
		case '\\', '|':
			dst = append(dst, '\\', byte(r))
		case '\r':
			if strings.HasPrefix(s[i+1:], "\n") {
				size++
			}
			dst = append(dst, "<br>"...)
		case '\n':
			dst = append(dst, "<br>"...)
		default:
			dst = appendPrintableRune(dst, r)
		}
		i += size
	}
	return dst
}

// lineFormat is a text format of one line per row.
type lineFormat struct {
	start, sep, end string // the line's start, between values, the line's end
	null            string // NULL
	escape          func(dst []byte, s string) []byte
	// header, if set, appends what goes between the names line and the
	// rows.
	header func(dst []byte, schema *arrow.Schema) []byte
}

// writeLines writes rr as a line of the column names followed by a line
// per row, in the format lf. A result without columns writes nothing.
func writeLines(w io.Writer, rr array.RecordReader, lf lineFormat) (int64, error) {
	schema := rr.Schema()
	ncol := schema.NumFields()
	if ncol == 0 {
		return eachBatch(rr, func(arrow.Record) error { return nil })
	}
	bw := bufio.NewWriter(w)
	line := append(bw.AvailableBuffer(), lf.start...)
	for c, name := range columnNames(schema) {
		if c > 0 {
			line = append(line, lf.sep...)
		}
		line = lf.escape(line, name)
	}
	line = append(line, lf.end...)
	if lf.header != nil {
		line = lf.header(line, schema)
	}
	bw.Write(line) // a write error sticks to bw and is returned by Flush
	var cols []textColumn
	n, err := eachBatch(rr, func(rec arrow.Record) error {
		cols = textColumns(cols, rec)
		for i := range int(rec.NumRows()) {
			line := append(bw.AvailableBuffer(), lf.start...)
			for c, col := range cols {
				if c > 0 {
					line = append(line, lf.sep...)
				}
				if col.isNull(i) {
					line = append(line, lf.null...)
				} else {
					line = lf.escape(line, col.text(i))
				}
			}
			bw.Write(append(line, lf.end...))
		}
		return bw.Flush() // each batch goes out as it comes
	})
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	return n, err
}

// writeJSON writes rr as one JSON array of objects, one object a line, or
// with lines as JSON Lines: one object per line and nothing else. Objects
// have a key per column (see jsonKeys) and values as jsonFormatter writes
// them.
func writeJSON(w io.Writer, rr array.RecordReader, lines bool) (int64, error) {
	schema := rr.Schema()
	keys := jsonKeys(columnNames(schema))
	bw := bufio.NewWriter(w)
	if !lines {
		bw.WriteString("[")
	}
	values := make([]jsonFunc, schema.NumFields())
	first := true
	n, err := eachBatch(rr, func(rec arrow.Record) error {
		for c, col := range rec.Columns() {
			values[c] = jsonFormatter(col)
		}
		for i := range int(rec.NumRows()) {
			b := bw.AvailableBuffer()
			if !lines {
				if first {
					b = append(b, '\n')
				} else {
					b = append(b, ",\n"...)
				}
				first = false
			}
			b = appendJSONObject(b, keys, values, i)
			if lines {
				b = append(b, '\n')
			}
			bw.Write(b) // a write error sticks to bw and is returned by Flush
		}
		return bw.Flush() // each batch goes out as it comes
	})
	if err != nil {
		return n, err
	}
	if !lines {
		bw.WriteString("\n]\n")
	}
	return n, bw.Flush()
}

// columnNames returns the names of schema's columns.
func columnNames(schema *arrow.Schema) []string {
	names := make([]string, schema.NumFields())
	for i, f := range schema.Fields() {
		names[i] = f.Name
	}
	return names
}
