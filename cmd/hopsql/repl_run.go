package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"golang.org/x/term"

	"github.com/hopsql/hopsql/driver"
)

// execute runs what was typed at the prompt: a meta-command or SQL. It
// returns errQuit for \q; it reports every other failure itself.
func (r *repl) execute(ctx context.Context, text string) error {
	if !isMetaCommand(text) {
		r.interruptible(ctx, func(ctx context.Context) { r.runSQL(ctx, "", text) })
		return nil
	}
	cmd, err := parseMeta(text)
	if err == nil {
		err = r.meta(ctx, cmd)
	}
	if errors.Is(err, errQuit) {
		return err
	}
	if err != nil {
		fmt.Fprintln(r.env.stderr, "Error:", err)
	}
	return nil
}

// interruptible runs fn with a context that Ctrl-C cancels.
func (r *repl) interruptible(ctx context.Context, fn func(context.Context)) {
	if r.interrupts == nil {
		fn(ctx)
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Forget a Ctrl-C pressed while no command ran.
	select {
	case <-r.interrupts:
	default:
	}
	done := make(chan struct{})
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		select {
		case <-r.interrupts:
			cancel()
		case <-done:
		}
	}()
	defer func() {
		close(done)
		<-watched
	}()
	fn(ctx)
}

// runSQL runs the statements of text, a script called name ("" for what
// was typed), on the session and prints their results. It stops at the
// first failure, unless --continue-on-error was given, and at a Ctrl-C,
// which cancels the running statement.
func (r *repl) runSQL(ctx context.Context, name, text string) {
	r.fitTerminal()
	stmts, err := driver.SplitStatements(text)
	if err != nil {
		r.sh.reportError(name, text, 0, err)
		return
	}
	for _, st := range stmts {
		err := r.sh.runStatement(ctx, st.SQL)
		if err == nil {
			continue
		}
		if ctx.Err() != nil {
			fmt.Fprintln(r.env.stderr, "Query cancelled.")
			return
		}
		r.sh.reportError(name, text, st.Offset, err)
		if !r.sh.continueOnError {
			return
		}
	}
}

// fitTerminal makes tables fit the terminal, when results go to it.
func (r *repl) fitTerminal() {
	if r.sh.outFile != nil {
		return
	}
	f, ok := r.env.stdout.(*os.File)
	if !ok {
		return
	}
	if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
		r.sh.opts.Width = w
	}
}

// catalog returns the catalog for completion, loading it on first use. It
// returns nil if it cannot be loaded; it does not try again until \d.
func (r *repl) catalog() *catalogNames {
	if r.cat == nil && !r.catFailed {
		ctx, cancel := context.WithTimeout(context.Background(), catalogTimeout)
		defer cancel()
		cat, err := loadCatalog(ctx, r.sh.conn)
		r.cat, r.catFailed = cat, err != nil
	}
	return r.cat
}
