package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// historyLimit is how many entries the history file keeps.
const historyLimit = 2000

// historyPath is the REPL's history file: $HOPSQL_HISTORY, or
// ~/.hopsql_history. It is "" when there is no home directory, and then
// the history is not kept.
func (env *environment) historyPath() string {
	if p := env.getenv("HOPSQL_HISTORY"); p != "" {
		return p
	}
	home := env.getenv("HOME")
	if home == "" {
		h, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		home = h
	}
	return filepath.Join(home, ".hopsql_history")
}

// history is the REPL's history of entries, each a whole (possibly
// multi-line) statement or meta-command, kept in a file.
//
// The file holds one entry a line, oldest first, with backslashes and line
// breaks escaped (\\, \n, \r), so a multi-line statement stays one entry.
// It is appended to as entries are added, and rewritten with the newest
// historyLimit entries when it has grown to twice that. It implements the
// line editor's history source.
type history struct {
	path    string // "" keeps the history in memory only
	entries []string
}

// loadHistory reads the history file at path; a missing file is an empty
// history.
func loadHistory(path string) (*history, error) {
	h := &history{path: path}
	if path == "" {
		return h, nil
	}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return h, nil
	}
	if err != nil {
		return h, fmt.Errorf("reading the history: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		if e := unescapeHistory(sc.Text()); strings.TrimSpace(e) != "" {
			h.entries = append(h.entries, e)
		}
	}
	if err := sc.Err(); err != nil {
		return h, fmt.Errorf("reading the history %s: %w", path, err)
	}
	if len(h.entries) > 2*historyLimit {
		h.entries = h.entries[len(h.entries)-historyLimit:]
		if err := h.rewrite(); err != nil {
			return h, err
		}
	}
	return h, nil
}

// Write adds an entry, unless it repeats the last one, and appends it to
// the file. It returns the number of entries.
func (h *history) Write(entry string) (int, error) {
	entry = strings.TrimSpace(entry)
	if entry == "" || len(h.entries) > 0 && h.entries[len(h.entries)-1] == entry {
		return len(h.entries), nil
	}
	h.entries = append(h.entries, entry)
	if h.path == "" {
		return len(h.entries), nil
	}
	f, err := os.OpenFile(h.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return len(h.entries), fmt.Errorf("saving the history: %w", err)
	}
	_, err = f.WriteString(escapeHistory(entry) + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return len(h.entries), fmt.Errorf("saving the history: %w", err)
	}
	return len(h.entries), nil
}

// GetLine returns entry i, oldest first.
func (h *history) GetLine(i int) (string, error) {
	if i < 0 || i >= len(h.entries) {
		return "", fmt.Errorf("no history entry %d", i)
	}
	return h.entries[i], nil
}

// Len returns the number of entries.
func (h *history) Len() int { return len(h.entries) }

// Dump returns the entries, oldest first.
func (h *history) Dump() any { return h.entries }

// last returns the newest entry that satisfies keep, or "".
func (h *history) last(keep func(string) bool) string {
	for i := len(h.entries) - 1; i >= 0; i-- {
		if keep(h.entries[i]) {
			return h.entries[i]
		}
	}
	return ""
}

// rewrite replaces the file with the entries in memory.
func (h *history) rewrite() error {
	var b strings.Builder
	for _, e := range h.entries {
		b.WriteString(escapeHistory(e))
		b.WriteByte('\n')
	}
	tmp := h.path + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o600); err != nil {
		return fmt.Errorf("saving the history: %w", err)
	}
	if err := os.Rename(tmp, h.path); err != nil {
		return fmt.Errorf("saving the history: %w", err)
	}
	return nil
}

var historyEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\r", `\r`)

func escapeHistory(s string) string { return historyEscaper.Replace(s) }

// unescapeHistory undoes escapeHistory; a backslash before any other
// character, or at the end, stands for itself.
func unescapeHistory(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch s[i+1] {
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case '\\':
			b.WriteByte('\\')
		default:
			b.WriteByte('\\')
			b.WriteByte(s[i+1])
		}
		i++
	}
	return b.String()
}
