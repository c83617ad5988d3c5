package main

import (
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/rivo/uniseg"
)

// How tables show what is not a value.
const (
	// nullText is NULL in tables and Markdown: the empty set sign, so
	// that NULL and the string 'NULL' cannot be told apart only by
	// context (as in DuckDB's shell). Only the one-character string "∅"
	// looks the same.
	nullText = "∅"
	// elision ends a value cut to fit its column, and fills the column
	// that stands for hidden columns.
	elision = "…"
	// marker fills the row that stands for the hidden middle rows, as in
	// DuckDB's shell.
	marker = "·"
	// maxCellWidth is the widest a column gets when a table must fit a
	// width; longer values are cut.
	maxCellWidth = 40
	// minCellWidth is the narrowest a column is made to fit a width,
	// unless it is the only one shown.
	minCellWidth = 12
)

// tableRows is what a table shows of a result: the names and types of
// the columns, and the first and last rows, as text ready to print.
type tableRows struct {
	names, types []string
	right        []bool // whether a column is aligned right
	head         [][]string
	// tail is a ring of the last rows: once full, the oldest is at
	// tail[tailNext].
	tail     [][]string
	tailNext int
	tailCap  int
	total    int64 // all rows, shown or not
	// cellLimit is the width values are cut to as they are read: the
	// width of the screen. 0 means values are kept whole.
	cellLimit int
}

// collectTable drains rr, keeping the rows a table of o shows: the first
// o.MaxRows/2 rows (rounded up) and the last o.MaxRows/2, or all of them
// when o.MaxRows is 0. Of each batch, only the rows it keeps are
// formatted. On error it returns what it read.
func collectTable(rr array.RecordReader, o *outputOptions) (*tableRows, error) {
	schema := rr.Schema()
	t := &tableRows{cellLimit: max(o.Width, 0)}
	for _, f := range schema.Fields() {
		t.names = append(t.names, printable(f.Name))
		t.types = append(t.types, printable(typeLabel(f.Type)))
		t.right = append(t.right, rightAligned(f.Type))
	}
	headCap := -1 // no bound
	if o.MaxRows > 0 {
		headCap, t.tailCap = (o.MaxRows+1)/2, o.MaxRows/2
	}
	var cols []textColumn
	n, err := eachBatch(rr, func(rec arrow.Record) error {
		if len(t.names) == 0 {
			return nil // nothing to show but the count
		}
		cols = textColumns(cols, rec)
		n := int(rec.NumRows())
		i := 0
		for ; i < n && (headCap < 0 || len(t.head) < headCap); i++ {
			t.head = append(t.head, t.row(cols, i))
		}
		// Rows before the last tailCap of the batch would be pushed out
		// of the ring by the batch's own later rows.
		for i = max(i, n-t.tailCap); i < n; i++ {
			t.push(t.row(cols, i))
		}
		return nil
	})
	t.total = n
	return t, err
}

// row formats row i of a batch. Values are copied out of the batch's
// memory, which is reused once the reader moves on.
func (t *tableRows) row(cols []textColumn, i int) []string {
	r := make([]string, len(cols))
	for c, col := range cols {
		if col.isNull(i) {
			r[c] = nullText
			continue
		}
		r[c] = strings.Clone(cut(printable(col.text(i)), t.cellLimit))
	}
	return r
}

// push adds a row to the tail ring, dropping the oldest when it is full.
func (t *tableRows) push(r []string) {
	if len(t.tail) < t.tailCap {
		t.tail = append(t.tail, r)
		return
	}
	t.tail[t.tailNext] = r
	t.tailNext = (t.tailNext + 1) % t.tailCap
}

// lastRows returns the tail's rows in order.
func (t *tableRows) lastRows() [][]string {
	rows := make([][]string, 0, len(t.tail))
	rows = append(rows, t.tail[t.tailNext:]...)
	return append(rows, t.tail[:t.tailNext]...)
}

// shown is the number of rows kept to be shown.
func (t *tableRows) shown() int64 {
	return int64(len(t.head) + len(t.tail))
}

// printable returns s with control characters escaped (newline as \n,
// carriage return as \r, tab as \t, others as \x1b, \u0085 or \u202e; see
// isControl) and invalid UTF-8 replaced by U+FFFD, so that a value can
// neither break a table's lines nor send a terminal commands.
func printable(s string) string {
	for i := 0; i < len(s); {
		b := s[i]
		if b >= 0x20 && b < 0x7f {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if b >= utf8.RuneSelf && !(r == utf8.RuneError && size == 1) && !isControl(r) {
			i += size
			continue
		}
		// Something to escape: copy what is known good, escape the rest.
		dst := make([]byte, 0, len(s)+8)
		dst = append(dst, s[:i]...)
		for i < len(s) {
			r, size := utf8.DecodeRuneInString(s[i:])
			dst = appendPrintableRune(dst, r)
			i += size
		}
		return string(dst)
	}
	return s
}

// isControl reports whether r is a C0 or C1 control character, DEL, a
// line or paragraph separator (U+2028, U+2029), or a bidirectional
// control, which can make text show in another order than it is in.
func isControl(r rune) bool {
	switch {
	case r < 0x20 || r >= 0x7f && r < 0xa0:
		return true
	case r < 0x200e:
		return false
	}
	return r == 0x200e || r == 0x200f || r >= 0x2028 && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

// appendPrintableRune appends r as printable does; utf8.RuneError stands
// for invalid UTF-8.
func appendPrintableRune(dst []byte, r rune) []byte {
	const hexDigits = "0123456789abcdef"
	switch {
	case r == '\n':
		return append(dst, `\n`...)
	case r == '\r':
		return append(dst, `\r`...)
	case r == '\t':
		return append(dst, `\t`...)
	case r < 0x80 && isControl(r):
		return append(dst, '\\', 'x', hexDigits[r>>4], hexDigits[r&0xf])
	case isControl(r):
		return append(dst, '\\', 'u', hexDigits[r>>12], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
	}
	return utf8.AppendRune(dst, r)
}

// cut shortens s to at most width terminal columns, ending it with
// elision when it is cut. A width of 0 or less means no limit.
func cut(s string, width int) string {
	if width <= 0 || len(s) <= width && isASCII(s) || uniseg.StringWidth(s) <= width {
		return s
	}
	var b strings.Builder
	w, state := 0, -1
	for rest := s; rest != ""; {
		var cluster string
		var cw int
		cluster, rest, cw, state = uniseg.FirstGraphemeClusterInString(rest, state)
		if w+cw > width-1 {
			break
		}
		b.WriteString(cluster)
		w += cw
	}
	b.WriteString(elision)
	return b.String()
}

// displayWidth is the number of terminal columns s takes.
func displayWidth(s string) int {
	if isASCII(s) {
		return len(s)
	}
	return uniseg.StringWidth(s)
}

// isASCII reports whether s is printable ASCII only.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}
