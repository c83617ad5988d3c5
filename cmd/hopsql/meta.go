package main

import (
	"fmt"
	"strings"
	"unicode"
)

// metaCommand is a REPL meta-command: a backslash, a name, and an
// optional argument, as in \format csv.
type metaCommand struct {
	name string // without the backslash: "d", "timing", "?"
	arg  string
}

// argSpec says whether a meta-command takes an argument.
type argSpec int

const (
	argNone argSpec = iota
	argOptional
	argRequired
)

// metaSpec describes a meta-command for parsing and for \?.
type metaSpec struct {
	name  string
	arg   argSpec
	usage string // the command as \? shows it
	help  string
}

// metaSpecs are the REPL's meta-commands, in the order \? lists them.
var metaSpecs = []metaSpec{
	{"d", argOptional, `\d [NAME]`, "list feature stores and feature groups, or describe the table NAME"},
	{"timing", argOptional, `\timing [on|off]`, "show how long each statement takes"},
	{"format", argOptional, `\format [NAME]`, "set the output format: table, csv, tsv, json, jsonl, markdown, arrow, parquet"},
	{"x", argOptional, `\x [on|off|auto]`, "expanded display: one line per column (auto: when a table is too wide)"},
	{"o", argOptional, `\o [FILE]`, "send results to FILE, or back to the screen"},
	{"i", argRequired, `\i FILE`, "run the SQL script in FILE"},
	{"e", argNone, `\e`, "edit the last statement in $EDITOR, then run it"},
	{"q", argNone, `\q`, "quit (also Ctrl-D)"},
	{"?", argNone, `\?`, "show this help"},
}

// isMetaCommand reports whether text, what was typed at the prompt, is a
// meta-command rather than SQL.
func isMetaCommand(text string) bool {
	return strings.HasPrefix(strings.TrimLeft(text, " \t\r\n"), `\`)
}

// parseMeta reads a meta-command. The name ends at the first blank; the
// argument is the rest, without surrounding blanks or a final semicolon.
func parseMeta(text string) (metaCommand, error) {
	text = strings.TrimSpace(text)
	if !strings.HasPrefix(text, `\`) {
		return metaCommand{}, fmt.Errorf("%q is not a meta-command: they start with a backslash", oneLine(text))
	}
	name, arg := text[1:], ""
	if i := strings.IndexFunc(name, unicode.IsSpace); i >= 0 {
		name, arg = name[:i], name[i:]
	}
	arg = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(arg), ";"))
	name = strings.TrimSuffix(name, ";")
	if name == "" {
		return metaCommand{}, fmt.Errorf(`a meta-command needs a name after the backslash: \? lists them`)
	}
	for _, s := range metaSpecs {
		if s.name != name {
			continue
		}
		switch {
		case s.arg == argNone && arg != "":
			return metaCommand{}, fmt.Errorf(`\%s takes no argument (usage: %s)`, name, s.usage)
		case s.arg == argRequired && arg == "":
			return metaCommand{}, fmt.Errorf(`\%s needs an argument (usage: %s)`, name, s.usage)
		}
		return metaCommand{name: name, arg: arg}, nil
	}
	return metaCommand{}, fmt.Errorf(`unknown command \%s: \? lists the commands`, name)
}

// parseSwitch reads the on/off argument of \timing: "" toggles cur.
func parseSwitch(cmd string, arg string, cur bool) (bool, error) {
	switch strings.ToLower(arg) {
	case "":
		return !cur, nil
	case "on":
		return true, nil
	case "off":
		return false, nil
	}
	return cur, fmt.Errorf(`\%s takes on or off, not %q`, cmd, arg)
}

// parseExpanded reads the argument of \x: "" toggles cur between on and
// off.
func parseExpanded(arg string, cur expandedMode) (expandedMode, error) {
	switch strings.ToLower(arg) {
	case "":
		if cur == expandedOff {
			return expandedOn, nil
		}
		return expandedOff, nil
	case "on":
		return expandedOn, nil
	case "off":
		return expandedOff, nil
	case "auto":
		return expandedAuto, nil
	}
	return cur, fmt.Errorf(`\x takes on, off or auto, not %q`, arg)
}

// expandedName describes a mode for messages.
func expandedName(m expandedMode) string {
	switch m {
	case expandedOn:
		return "on"
	case expandedAuto:
		return "auto"
	}
	return "off"
}

// validTableName reports whether name can only be a table name, so that
// \d can put it into a DESCRIBE statement.
func validTableName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !isNameByte(c) && c != '.' && c != ':' && c != '`' && c != '"' {
			return false
		}
	}
	return true
}

// helpText is what \? prints.
func helpText() string {
	var b strings.Builder
	b.WriteString("SQL statements end with a semicolon; Enter on an unfinished statement starts a new line.\n\nMeta-commands:\n")
	for _, s := range metaSpecs {
		fmt.Fprintf(&b, "  %-18s %s\n", s.usage, s.help)
	}
	b.WriteString(`
Keys:
  Tab                complete keywords, tables (project::table) and columns
  Up, Down           previous and next statement of the history
  Ctrl-R             search the history
  Ctrl-C             cancel the running query, or clear the line; twice on an empty line quits
  Ctrl-D             quit
`)
	return b.String()
}
