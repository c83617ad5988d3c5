package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/hopsql/hopsql/driver"
)

// errStatementFailed is returned once a failed statement has been reported
// on standard error.
var errStatementFailed = errors.New("a statement failed")

// shell runs statements on one session and prints their results. Batch
// runs and the REPL share it.
type shell struct {
	env  *environment
	db   *sql.DB
	conn *sql.Conn

	// out receives results: standard output, or the file of -o or \o.
	out      io.Writer
	outFile  *os.File // the file out writes to, when it is not standard output
	outIsTTY bool

	opts outputOptions
	// binaryWritten records that an arrow or parquet result went to out,
	// which holds exactly one such result.
	binaryWritten   bool
	timing          bool
	progress        bool // show progress on standard error (a terminal)
	continueOnError bool
}

// openShell connects and sets up the output the options ask for.
func (env *environment) openShell(ctx context.Context, o *options) (*shell, error) {
	db, conn, err := env.connect(ctx, o)
	if err != nil {
		return nil, err
	}
	sh := &shell{
		env:             env,
		db:              db,
		conn:            conn,
		out:             env.stdout,
		outIsTTY:        env.isTerminal(env.stdout),
		timing:          o.timing,
		progress:        !o.noProgress && env.isTerminal(env.stderr),
		continueOnError: o.continueOnError,
	}
	sh.opts = defaultOutputOptions(sh.outIsTTY)
	sh.opts.MaxRows = o.maxRows
	if o.output != "" {
		if err := sh.setOutput(o.output); err != nil {
			sh.close()
			return nil, usageError{err}
		}
	}
	if o.format != "" {
		f, _ := parseFormat(o.format)
		sh.opts.Format = f
	}
	return sh, nil
}

// setOutput sends results to the file name ("" for standard output).
func (sh *shell) setOutput(name string) error {
	sh.binaryWritten = false
	if sh.outFile != nil {
		if err := sh.outFile.Close(); err != nil {
			return fmt.Errorf("closing %s: %w", sh.outFile.Name(), err)
		}
		sh.outFile = nil
	}
	if name == "" {
		sh.out, sh.outIsTTY = sh.env.stdout, sh.env.isTerminal(sh.env.stdout)
		sh.opts.Terminal = sh.outIsTTY
		sh.opts.Width = 0
		return nil
	}
	f, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("output: %w", err)
	}
	sh.out, sh.outFile, sh.outIsTTY = f, f, false
	sh.opts.Terminal = sh.outIsTTY
	if sh.opts.Format == formatTable && !sh.env.isTerminal(sh.env.stdout) {
		sh.opts.Format = formatCSV
	}
	return nil
}

func (sh *shell) close() error {
	var errs []error
	if sh.outFile != nil {
		errs = append(errs, sh.outFile.Close())
	}
	errs = append(errs, sh.conn.Close(), sh.db.Close())
	return errors.Join(errs...)
}

// runScript runs each statement of script. name is the script's file name
// ("" for -c), used in error messages. It reports failures on standard
// error and returns errStatementFailed for them; with --continue-on-error
// it goes on after a failure.
func (sh *shell) runScript(ctx context.Context, name, script string) error {
	stmts, err := driver.SplitStatements(script)
	if err != nil {
		sh.reportError(name, script, 0, err)
		return errStatementFailed
	}
	var failed bool
	for _, st := range stmts {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := sh.runStatement(ctx, st.SQL); err != nil {
			sh.reportError(name, script, st.Offset, err)
			if !sh.continueOnError {
				return errStatementFailed
			}
			failed = true
		}
	}
	if failed {
		return errStatementFailed
	}
	return nil
}

// runStatement runs one statement and writes its result.
func (sh *shell) runStatement(ctx context.Context, query string) error {
	start := time.Now()
	kw := driver.Keyword(query)
	if kw == "SET" {
		if _, err := sh.conn.ExecContext(ctx, query); err != nil {
			return err
		}
		sh.printTiming(start, -1)
		return nil
	}
	if binary := sh.opts.Format == formatArrow || sh.opts.Format == formatParquet; binary && kw != "EXPLAIN" {
		if sh.binaryWritten {
			return fmt.Errorf("the %s output already holds a result, and an %s stream or file holds one: send each query to its own file (-o FILE, or \\o FILE in the shell)", sh.opts.Format, sh.opts.Format)
		}
		sh.binaryWritten = true
	}
	var progress driver.Progress
	qctx := driver.WithProgress(ctx, &progress)
	var stopProgress func()
	if sh.progress {
		stopProgress = startProgress(qctx, sh.env.stderr, &progress)
	}
	rr, err := driver.QueryArrow(qctx, sh.conn, query)
	if err != nil {
		if stopProgress != nil {
			stopProgress()
		}
		return err
	}
	defer rr.Release()
	out := sh.out
	if stopProgress != nil && sh.outIsTTY {
		out = progressOutput{w: out, stop: stopProgress} // the result replaces the progress line
	}
	var n int64
	if kw == "EXPLAIN" {
		n, err = writeText(out, rr)
	} else {
		n, err = writeResult(out, rr, &sh.opts)
	}
	if stopProgress != nil {
		stopProgress()
	}
	if err != nil {
		return err
	}
	sh.printTiming(start, n)
	return nil
}

// writeText prints a one-column result (EXPLAIN's) as plain lines.
func writeText(w io.Writer, rr array.RecordReader) (int64, error) {
	var n int64
	for rr.Next() {
		rec := rr.Record()
		col, ok := rec.Column(0).(*array.String)
		if !ok {
			return n, fmt.Errorf("EXPLAIN returned %s, not text", rec.Column(0).DataType())
		}
		for i := 0; i < col.Len(); i++ {
			if _, err := io.WriteString(w, col.Value(i)+"\n"); err != nil {
				return n, err
			}
		}
		n += rec.NumRows()
	}
	return n, rr.Err()
}

func (sh *shell) printTiming(start time.Time, rows int64) {
	if !sh.timing {
		return
	}
	d := time.Since(start)
	if rows >= 0 {
		fmt.Fprintf(sh.env.stderr, "Time: %s (%s)\n", formatDuration(d), plural(rows, "row"))
	} else {
		fmt.Fprintf(sh.env.stderr, "Time: %s\n", formatDuration(d))
	}
}

// formatDuration prints milliseconds, as psql's \timing does.
func formatDuration(d time.Duration) string {
	return fmt.Sprintf("%.3f ms", float64(d.Microseconds())/1000)
}

// reportError prints a failed statement's error on standard error, with
// its position in the script and the line it is on, marked with a caret.
func (sh *shell) reportError(name, script string, offset int, err error) {
	w := sh.env.stderr
	line, col, ok := driver.ErrorPosition(err)
	if !ok {
		if name != "" {
			fmt.Fprintf(w, "Error: %s: %v\n", name, err)
		} else {
			fmt.Fprintf(w, "Error: %v\n", err)
		}
		return
	}
	// The position is within the statement; find it in the script.
	before := script[:min(offset, len(script))]
	absLine := strings.Count(before, "\n") + line
	absCol := col
	if line == 1 {
		absCol = offset - (strings.LastIndexByte(before, '\n') + 1) + col
	}
	// The message counts lines and columns from the start of its
	// statement; a file's errors are located by the file:line:column
	// prefix, and others count from the start of the script.
	pos := fmt.Sprintf("line %d, column %d", line, col)
	msg := err.Error()
	if name != "" {
		msg = strings.Replace(strings.Replace(msg, pos+": ", "", 1), " at "+pos, "", 1)
		fmt.Fprintf(w, "Error: %s:%d:%d: %s\n", name, absLine, absCol, msg)
	} else {
		msg = strings.Replace(msg, pos, fmt.Sprintf("line %d, column %d", absLine, absCol), 1)
		fmt.Fprintf(w, "Error: %s\n", msg)
	}
	lines := strings.Split(script, "\n")
	if absLine-1 < len(lines) {
		text := strings.ReplaceAll(lines[absLine-1], "\t", " ")
		prefix := fmt.Sprintf("LINE %d: ", absLine)
		fmt.Fprintf(w, "%s%s\n%s^\n", prefix, text, strings.Repeat(" ", len(prefix)+runeOffset(text, absCol-1)))
	}
}

// runeOffset is the number of characters in the first n bytes of s.
func runeOffset(s string, n int) int {
	if n > len(s) {
		n = len(s)
	}
	if n < 0 {
		return 0
	}
	return len([]rune(s[:n]))
}
