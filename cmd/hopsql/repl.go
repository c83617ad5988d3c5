package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/reeflective/readline"

	"github.com/hopsql/hopsql/driver"
)

// catalogTimeout bounds the catalog queries of completion and the banner,
// so that a slow feature store cannot freeze the prompt for long.
const catalogTimeout = 10 * time.Second

// errQuit ends the REPL: \q.
var errQuit = errors.New("quit")

// repl is an interactive session: a line editor over a shell.
type repl struct {
	env     *environment
	sh      *shell
	editor  *readline.Shell
	history *history
	project string // the session's project, for the prompt; "" if unknown

	// cat is the catalog as completion and \d know it; nil until the
	// first completion or \d loads it.
	cat       *catalogNames
	catFailed bool // loading the catalog failed; completion does without
	// interrupts receives SIGINT while the REPL runs, when hopsql runs as
	// a process of its own; nil otherwise.
	interrupts chan os.Signal
}

// runREPL runs the interactive shell.
func runREPL(ctx context.Context, env *environment, sh *shell) error {
	r := &repl{env: env, sh: sh}
	hist, err := loadHistory(env.historyPath())
	if err != nil {
		fmt.Fprintln(env.stderr, "Warning:", err)
	}
	r.history = hist
	r.editor = r.newEditor()
	if env.interactive {
		// Ctrl-C reaches hopsql as SIGINT only while a command runs: at
		// the prompt the terminal is in raw mode and the editor reads it
		// as a key. Catching SIGINT for the whole session, rather than
		// around each command, leaves no moment at which it kills hopsql.
		r.interrupts = make(chan os.Signal, 1)
		signal.Notify(r.interrupts, os.Interrupt)
		defer signal.Stop(r.interrupts)
	}
	fmt.Fprintln(env.stdout, r.banner(ctx))

	interrupted := false // the last key at an empty prompt was Ctrl-C
	for {
		text, err := r.editor.Readline()
		switch {
		case errors.Is(err, readline.ErrInterrupt):
			if strings.TrimSpace(text) == "" {
				if interrupted {
					return nil
				}
				fmt.Fprintln(env.stderr, `(Ctrl-C again to quit, or type \q)`)
			}
			interrupted = strings.TrimSpace(text) == ""
			continue
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			return fmt.Errorf("reading the input: %w", err)
		}
		interrupted = false
		if strings.TrimSpace(text) == "" {
			continue
		}
		if errors.Is(r.execute(ctx, text), errQuit) {
			return nil
		}
	}
}

// newEditor sets up the line editor: prompts, multi-line statements,
// completion and history.
func (r *repl) newEditor() *readline.Shell {
	rl := readline.NewShell()
	// The editor asks the terminal where the cursor is, to redraw right at
	// the bottom of the screen; a dumb terminal would never answer.
	if t := r.env.getenv("TERM"); t == "" || t == "dumb" {
		rl.Config.Set("cursor-position-probe", false)
	}
	rl.Config.Set("completion-ignore-case", true)
	// Tab inserts what the candidates share and lists them.
	rl.Config.Set("menu-complete-display-prefix", true)
	rl.Prompt.Primary(func() string { return r.prompt() })
	rl.AcceptMultiline = func(line []rune) bool { return statementEnded(string(line)) }
	rl.Completer = func(line []rune, cursor int) readline.Completions {
		// complete takes a byte offset; the editor gives a rune offset.
		offset := len(string(line[:max(0, min(cursor, len(line)))]))
		c := complete(string(line), offset, r.catalog())
		comps := readline.CompleteValues(c.candidates...)
		comps.PREFIX = c.word
		// Names continue after :: and ., so don't end them with a space.
		return comps.NoSpace(':', '.')
	}
	rl.History.Add("history", r.history)
	return rl
}

// statementEnded reports whether the editor should hand what was typed to
// the REPL on Enter: a meta-command, nothing, or SQL whose last statement
// ends with a semicolon.
func statementEnded(text string) bool {
	return strings.TrimSpace(text) == "" || isMetaCommand(text) || driver.Complete(text)
}

func (r *repl) prompt() string {
	if r.project != "" {
		return r.project + "> "
	}
	return "hopsql> "
}

// banner is the line the REPL greets with. It names the session's project
// and the projects that share their stores with it, when the catalog says.
func (r *repl) banner(ctx context.Context) string {
	const hint = `Type \? for help, \q to quit.`
	ctx, cancel := context.WithTimeout(ctx, catalogTimeout)
	defer cancel()
	project, shared, err := sessionProject(ctx, r.sh.conn)
	if err != nil || project == "" {
		return "hopsql — " + hint
	}
	r.project = project
	also := ""
	if len(shared) > 0 {
		also = " (shared stores: " + strings.Join(shared, ", ") + ")"
	}
	return fmt.Sprintf("hopsql — connected to project %s%s. %s", project, also, hint)
}
