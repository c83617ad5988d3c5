// Command hopsql queries Hopsworks feature stores, and hopsql's embedded
// feature store, with SQL.
//
//	hopsql --demo                                 an interactive shell on the demo store
//	hopsql --demo -c "SELECT count(*) FROM transactions_1"
//	hopsql --warehouse DIR --project NAME -f queries.sql
//	hopsql --dsn 'hopsworks://host/project?api_key_file=key' --format json -c SQL
//	hopsql --connection NAME                     a connection of the config file
//	echo "SELECT 1;" | hopsql --demo
//	hopsql demo [--scale N] [--dir DIR]
//
// Exit status: 0 on success, 1 when a statement fails, 2 for usage and
// connection errors.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"golang.org/x/term"
)

// Exit codes.
const (
	exitOK    = 0
	exitQuery = 1
	exitUsage = 2
)

func main() {
	env := &environment{
		stdin:  os.Stdin,
		stdout: os.Stdout,
		stderr: os.Stderr,
		getenv: os.Getenv,
		isTerminal: func(f any) bool {
			file, ok := f.(*os.File)
			return ok && term.IsTerminal(int(file.Fd()))
		},
		interactive: true,
	}
	os.Exit(env.run(context.Background(), os.Args[1:]))
}

// environment is what a run of hopsql sees of the process: its streams,
// its environment variables and whether the streams are terminals. Tests
// build their own.
type environment struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	isTerminal     func(any) bool
	// interactive says hopsql runs as a process of its own and may handle
	// signals: Ctrl-C stops a batch run, and cancels the running query in
	// the REPL. Tests that call run directly leave it false.
	interactive bool
}

// usageError is a mistake in the command line or the connection settings.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// run runs hopsql with args and returns the exit code.
func (env *environment) run(ctx context.Context, args []string) int {
	if len(args) > 0 && args[0] == "demo" {
		if err := runDemo(ctx, args[1:], env.stdout, env.stderr); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return exitOK
			}
			fmt.Fprintln(env.stderr, "hopsql demo:", err)
			return exitUsage
		}
		return exitOK
	}
	err := env.runMain(ctx, args)
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintln(env.stderr, "hopsql:", err)
		return exitUsage
	case errors.Is(err, errStatementFailed):
		return exitQuery // already reported
	}
	fmt.Fprintln(env.stderr, "Error:", err)
	return exitQuery
}

// input is one -c or -f argument, in command-line order.
type input struct {
	file bool   // text is a file name (-f)
	text string // SQL (-c) or a file name
}

// inputList is the -c and -f flags, which share one ordered list.
type inputList struct {
	list *[]input
	file bool
}

func (l inputList) String() string { return "" }
func (l inputList) Set(v string) error {
	*l.list = append(*l.list, input{file: l.file, text: v})
	return nil
}

// options are the command-line flags of a query run.
type options struct {
	inputs          []input
	demo            bool
	warehouse       string
	project         string
	attach          string
	dsn             string
	connection      string
	configFile      string
	format          string
	output          string
	continueOnError bool
	maxRows         int
	noProgress      bool
	timing          bool
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("hopsql", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Var(inputList{&o.inputs, false}, "c", "run `SQL` (may be repeated; -c and -f run in the order given)")
	fs.Var(inputList{&o.inputs, true}, "f", "run the SQL script in `FILE` (may be repeated; - is standard input)")
	fs.BoolVar(&o.demo, "demo", false, "query the demo feature store (generated into the user cache directory on first use)")
	fs.StringVar(&o.warehouse, "warehouse", "", "query the embedded feature store in `DIR`")
	fs.StringVar(&o.project, "project", "", "the session's `PROJECT` (default fraud with --demo)")
	fs.StringVar(&o.attach, "attach", "", "also read the projects of the embedded store in `DIR` (read-only), to join them with the session's")
	fs.StringVar(&o.dsn, "dsn", "", "connect with a data source name (`DSN`: file:, demo: or hopsworks://)")
	fs.StringVar(&o.connection, "connection", "", "use the connection `NAME` of the config file")
	fs.StringVar(&o.configFile, "config", "", "read named connections from `FILE` (default $XDG_CONFIG_HOME/hopsql/config.toml)")
	fs.StringVar(&o.format, "format", "", "output `FORMAT`: table, csv, tsv, json, jsonl, markdown, arrow or parquet (default table on a terminal, csv otherwise)")
	fs.StringVar(&o.output, "o", "", "write results to `FILE` instead of standard output")
	fs.BoolVar(&o.continueOnError, "continue-on-error", false, "run the remaining statements after one fails (the exit status is still 1)")
	fs.IntVar(&o.maxRows, "max-rows", defaultMaxRows, "show at most `N` rows of a result as a table (the first and last halves)")
	fs.BoolVar(&o.noProgress, "no-progress", false, "never show the progress of long queries")
	fs.BoolVar(&o.timing, "timing", false, "print how long each statement took")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage:
  hopsql [connection] [flags] [-c SQL]... [-f FILE]...
  hopsql demo [--scale N] [--dir DIR]

With no -c or -f, hopsql reads SQL from standard input, or starts an
interactive shell when standard input is a terminal.

Connection (one of): --demo, --warehouse DIR --project NAME, --dsn DSN,
--connection NAME, or the HOPSWORKS_HOST, HOPSWORKS_PROJECT and
HOPSWORKS_API_KEY environment variables.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, usageError{err}
	}
	if fs.NArg() > 0 {
		return nil, usageError{fmt.Errorf("unexpected argument %q: SQL goes after -c, files after -f", fs.Arg(0))}
	}
	if o.format != "" {
		if _, err := parseFormat(o.format); err != nil {
			return nil, usageError{err}
		}
	}
	if o.maxRows < 0 {
		return nil, usageError{errors.New("--max-rows must be 0 (no limit) or more")}
	}
	return o, nil
}

func (env *environment) runMain(ctx context.Context, args []string) error {
	o, err := parseFlags(args, env.stderr)
	if err != nil {
		return err
	}
	sh, err := env.openShell(ctx, o)
	if err != nil {
		return err
	}
	defer sh.close()

	if len(o.inputs) == 0 {
		if env.isTerminal(env.stdin) && o.output == "" {
			return runREPL(ctx, env, sh)
		}
		o.inputs = []input{{file: true, text: "-"}}
	}
	if env.interactive {
		// Ctrl-C stops a batch run: the running query is cancelled and
		// hopsql exits with status 1.
		var stop context.CancelFunc
		ctx, stop = signal.NotifyContext(ctx, os.Interrupt)
		defer stop()
	}
	var failed bool
	for _, in := range o.inputs {
		name, script := "", in.text
		if in.file {
			name = in.text
			b, err := env.readFile(in.text)
			if err != nil {
				return usageError{err}
			}
			script = string(b)
			if name == "-" {
				name = "<stdin>"
			}
		}
		if err := sh.runScript(ctx, name, script); err != nil {
			if !errors.Is(err, errStatementFailed) || !o.continueOnError {
				return err
			}
			failed = true
		}
	}
	if failed {
		return errStatementFailed
	}
	return nil
}

// readFile reads a script; "-" is standard input.
func (env *environment) readFile(name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(env.stdin)
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("reading a script: %w", err)
	}
	return b, nil
}

// plural formats a count with its noun.
func plural(n int64, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// oneLine shortens text to its first line, for messages.
func oneLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}
