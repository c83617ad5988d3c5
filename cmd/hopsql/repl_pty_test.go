//go:build linux || darwin

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector/local/localtest"
)

// ptyTimeout bounds each wait for the REPL's output.
const ptyTimeout = 60 * time.Second

// ansiEscape matches terminal control sequences, which the line editor
// sends around what it draws.
var ansiEscape = regexp.MustCompile(`\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78]|\r`)

// cursorQuery is the editor's question for the cursor position, which a
// terminal answers.
var cursorQuery = []byte("\x1b[6n")

// terminal runs hopsql on a pseudo-terminal and reads what it draws.
type terminal struct {
	t   *testing.T
	cmd *exec.Cmd
	pty *os.File
	wmu sync.Mutex // serialises writes to pty
	mu  sync.Mutex // guards raw and answered
	raw []byte
	// answered counts the cursor position queries answered so far.
	answered int
	// sentAt is the length of raw when the last key was typed.
	sentAt int
	seen   int           // how much of the cleaned output expect has consumed
	news   chan struct{} // a signal after each read
	read   chan struct{} // closed when reading has ended
	done   chan struct{} // closed when the process has exited
	err    error         // the process's exit, once done is closed
}

// startTerminal runs the binary with args on a new pseudo-terminal of 50
// rows and 200 columns, with the environment variables env.
func startTerminal(t *testing.T, bin string, env []string, args ...string) *terminal {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 200})
	require.NoError(t, err)
	term := &terminal{t: t, cmd: cmd, pty: f, news: make(chan struct{}, 1), read: make(chan struct{}), done: make(chan struct{})}
	go term.readLoop()
	go func() {
		term.err = cmd.Wait()
		close(term.done)
	}()
	t.Cleanup(func() {
		select {
		case <-term.done:
		default:
			_ = cmd.Process.Kill()
			<-term.done
		}
		f.Close()
		<-term.read
		if t.Failed() {
			t.Logf("terminal output:\n%s", term.output())
		}
	})
	return term
}

// readLoop collects the output and answers the editor's cursor position
// queries as a terminal does: the cursor is on the first row, after the
// prompt "fraud> ".
func (term *terminal) readLoop() {
	defer close(term.read)
	buf := make([]byte, 4096)
	for {
		n, err := term.pty.Read(buf)
		if n > 0 {
			term.mu.Lock()
			term.raw = append(term.raw, buf[:n]...)
			for queries := bytes.Count(term.raw, cursorQuery); term.answered < queries; term.answered++ {
				term.write("\x1b[1;8R")
			}
			term.mu.Unlock()
			select {
			case term.news <- struct{}{}:
			default:
			}
		}
		if err != nil {
			return
		}
	}
}

// output is what the terminal shows, without control sequences.
func (term *terminal) output() string {
	term.mu.Lock()
	defer term.mu.Unlock()
	return ansiEscape.ReplaceAllString(string(term.raw), "")
}

// frameEnd ends each frame the editor draws: it shows the cursor again.
var frameEnd = []byte("\x1b[?25h")

// keyUnit matches one key: an escape sequence or a character.
var keyUnit = regexp.MustCompile(`^(\x1b\[[0-9;]*[@-~]|(?s).)`)

// send types keys one at a time, as a person does: each once the editor
// waits for it, having drawn a whole frame since the last key with its
// answer to every cursor position query. The editor reads that answer
// from its input and drops keys read together with it, so keys must not
// arrive while it waits for one.
func (term *terminal) send(keys string) {
	term.t.Helper()
	for keys != "" {
		key := keyUnit.FindString(keys)
		keys = keys[len(key):]
		term.waitIdle(key)
		term.mu.Lock()
		term.sentAt = len(term.raw)
		term.mu.Unlock()
		term.write(key)
	}
}

// waitIdle waits until the editor waits for a key.
func (term *terminal) waitIdle(key string) {
	term.t.Helper()
	deadline := time.NewTimer(ptyTimeout)
	defer deadline.Stop()
	for {
		term.mu.Lock()
		idle := len(term.raw) > term.sentAt && bytes.HasSuffix(term.raw, frameEnd) &&
			term.answered == bytes.Count(term.raw, cursorQuery)
		term.mu.Unlock()
		if idle {
			return
		}
		select {
		case <-term.news:
		case <-term.done:
			require.FailNowf(term.t, "hopsql exited", "before %q could be typed", key)
		case <-deadline.C:
			require.FailNowf(term.t, "timed out", "waiting for the editor to read %q", key)
		}
	}
}

// write writes to the terminal's input.
func (term *terminal) write(s string) {
	term.wmu.Lock()
	defer term.wmu.Unlock()
	_, _ = term.pty.Write([]byte(s))
}

// expect waits until the output not yet consumed matches pattern, and
// consumes it up to the end of the match. It returns the match.
func (term *terminal) expect(pattern string) string {
	term.t.Helper()
	re := regexp.MustCompile(pattern)
	deadline := time.NewTimer(ptyTimeout)
	defer deadline.Stop()
	exited := false
	for {
		out := term.output()[term.seen:]
		if loc := re.FindStringIndex(out); loc != nil {
			term.seen += loc[1]
			return out[loc[0]:loc[1]]
		}
		if exited {
			require.FailNowf(term.t, "hopsql exited", "waiting for %q; exit: %v", pattern, term.err)
		}
		select {
		case <-term.news:
		case <-term.done:
			// Look once more at all the output, which may have come with
			// the exit.
			<-term.read
			exited = true
		case <-deadline.C:
			require.FailNowf(term.t, "timed out", "waiting for %q", pattern)
		}
	}
}

// wait waits for hopsql to exit and returns its exit code.
func (term *terminal) wait() int {
	term.t.Helper()
	select {
	case <-term.done:
	case <-time.After(ptyTimeout):
		require.FailNow(term.t, "hopsql did not exit")
	}
	var ee *exec.ExitError
	if errors.As(term.err, &ee) {
		return ee.ExitCode()
	}
	require.NoError(term.t, term.err)
	return 0
}

// TestREPLThroughATerminal runs the interactive shell as a user does, on
// a pseudo-terminal.
func TestREPLThroughATerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds hopsql and runs it on a pseudo-terminal")
	}
	bin := filepath.Join(t.TempDir(), "hopsql")
	build := exec.Command("go", "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)

	// The stores come from "hopsql demo", which runs demo.Generate
	// without the race detector's slowness.
	generate := func(t *testing.T, scale int) string {
		dir := filepath.Join(t.TempDir(), "store")
		out, err := exec.Command(bin, "demo", "--scale", strconv.Itoa(scale), "--dir", dir).CombinedOutput()
		require.NoError(t, err, "%s", out)
		return dir
	}
	small := generate(t, 1)
	// newEnv is the environment of a run: a home, history and
	// configuration of the test's own.
	newEnv := func(t *testing.T) (env []string, history string) {
		home := t.TempDir()
		history = filepath.Join(home, "history")
		return []string{
			"PATH=" + os.Getenv("PATH"),
			"HOME=" + home,
			"HOPSQL_HISTORY=" + history,
			"XDG_CONFIG_HOME=" + filepath.Join(home, "config"),
			"XDG_CACHE_HOME=" + filepath.Join(home, "cache"),
			"TERM=xterm",
		}, history
	}
	const prompt = `fraud> `

	t.Run("multi-line statement", func(t *testing.T) {
		env, _ := newEnv(t)
		term := startTerminal(t, bin, env, "--warehouse", small, "--project", "fraud")
		term.expect(`connected to project fraud`)
		term.expect(prompt)
		term.send("SELECT count(*)\r")
		term.send("FROM transactions_1;\r")
		count := len(localtest.ReadTable(t, small, "fraud", "transactions_1"))
		term.expect(`FROM transactions_1;\n`)
		term.expect(`\b` + strconv.Itoa(count) + `\b`)
		term.expect(prompt)
		term.send("\\q\r")
		assert.Equal(t, 0, term.wait())
	})

	t.Run("completion", func(t *testing.T) {
		env, _ := newEnv(t)
		term := startTerminal(t, bin, env, "--warehouse", small, "--project", "fraud")
		term.expect(prompt)
		term.send("SELECT * FROM bank::cu\t")
		_, groups := readableGroups(t, small, "fraud")
		for _, g := range groups {
			if g.Project == "bank" && g.Name == "customers" {
				term.expect(`bank::customers_` + strconv.FormatInt(g.Version, 10) + `\b`)
			}
		}
		term.send("\x03") // clears the line
		term.expect(prompt)
		term.send("\\q\r")
		assert.Equal(t, 0, term.wait())
	})

	t.Run("Ctrl-C cancels a long query", func(t *testing.T) {
		large := generate(t, 10)
		env, _ := newEnv(t)
		term := startTerminal(t, bin, env, "--warehouse", large, "--project", "fraud")
		term.expect(prompt)
		term.send("SELECT count(*) FROM transactions_1 a CROSS JOIN transactions_1 b;\r")
		// The progress line shows once the query has run for a second.
		term.expect(`Running… [0-9,]+ rows`)
		term.write("\x03") // the editor is not reading: the terminal sends SIGINT
		term.expect(`Query cancelled\.\n`)
		term.expect(prompt)
		term.send("SELECT 40 + 2 AS answer;\r")
		term.expect(`\b42\b`)
		term.expect(prompt)
		// Ctrl-C at an empty prompt warns, a second one quits.
		term.send("\x03")
		term.expect(`Ctrl-C again to quit`)
		term.send("\x03")
		assert.Equal(t, 0, term.wait())
	})

	t.Run("history across runs", func(t *testing.T) {
		env, history := newEnv(t)
		first := startTerminal(t, bin, env, "--warehouse", small, "--project", "fraud")
		first.expect(prompt)
		first.send("SELECT 6 * 7\r")
		first.send("AS answer;\r")
		first.expect(`\b42\b`)
		first.expect(prompt)
		first.send("\x04") // Ctrl-D quits
		require.Equal(t, 0, first.wait())

		h, err := loadHistory(history)
		require.NoError(t, err)
		require.Equal(t, 1, h.Len())
		entry, err := h.GetLine(0)
		require.NoError(t, err)
		assert.Equal(t, "SELECT 6 * 7\nAS answer;", entry, "a multi-line statement is one entry")

		second := startTerminal(t, bin, env, "--warehouse", small, "--project", "fraud")
		second.expect(prompt)
		second.send("\x1b[A") // Up
		second.expect(`SELECT 6 \* 7\n\s*AS answer;`)
		second.send("\r")
		second.expect(`\b42\b`)
		second.expect(prompt)
		second.send("\\q\r")
		assert.Equal(t, 0, second.wait())
	})
}
