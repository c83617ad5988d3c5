// Command hopsql queries Hopsworks feature stores, and hopsql's embedded
// feature store, with SQL.
//
//	hopsql --demo -c "SELECT count(*) FROM transactions_1"
//	hopsql --warehouse DIR --project NAME -c SQL [-c SQL]...
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
)

// Exit codes.
const (
	exitOK    = 0
	exitQuery = 1
	exitUsage = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// usageError is a mistake in the command line or the connection settings.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "demo" {
		if err := runDemo(ctx, args[1:], stdout, stderr); err != nil {
			fmt.Fprintln(stderr, "hopsql demo:", err)
			return exitUsage
		}
		return exitOK
	}
	err := runQueries(ctx, args, stdin, stdout, stderr)
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintln(stderr, "hopsql:", err)
		return exitUsage
	}
	fmt.Fprintln(stderr, "Error:", err)
	return exitQuery
}

// stringList is a flag that may be given more than once.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, "; ") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func runQueries(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("hopsql", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		commands  stringList
		useDemo   = fs.Bool("demo", false, "query the demo feature store (generated into the user cache directory on first use)")
		warehouse = fs.String("warehouse", "", "query the embedded feature store in `DIR`")
		project   = fs.String("project", "", "the session's `PROJECT` (default fraud with --demo)")
		maxRows   = fs.Int("max-rows", 1000, "print at most `N` rows of a result as a table")
	)
	fs.Var(&commands, "c", "run `SQL` (may be repeated; statements separated by ; run in order)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage:\n  hopsql (--demo | --warehouse DIR) [--project NAME] -c SQL [-c SQL]...\n  hopsql demo [--scale N] [--dir DIR]\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q: SQL goes after -c", fs.Arg(0))}
	}
	if len(commands) == 0 {
		return usageError{errors.New("nothing to run: give SQL with -c (the interactive shell is not built yet)")}
	}
	dir := *warehouse
	switch {
	case *useDemo && dir != "":
		return usageError{errors.New("use --demo or --warehouse, not both")}
	case *useDemo:
		var err error
		if dir, err = demoDir(ctx, stderr); err != nil {
			return usageError{err}
		}
		if *project == "" {
			*project = "fraud"
		}
	case dir == "":
		return usageError{errors.New("no feature store: use --demo, or --warehouse DIR --project NAME")}
	case *project == "":
		return usageError{errors.New("--warehouse needs --project NAME: the project whose session runs the queries")}
	}
	sess, err := openSession(ctx, dir, *project)
	if err != nil {
		return usageError{err}
	}
	tw := tableWriter{maxRows: *maxRows}
	for _, script := range commands {
		if err := sess.exec(ctx, script, stdout, tw); err != nil {
			return err
		}
	}
	return nil
}
