package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// meta runs a meta-command. It returns errQuit for \q.
func (r *repl) meta(ctx context.Context, cmd metaCommand) error {
	out := r.env.stdout
	switch cmd.name {
	case "q":
		return errQuit
	case "?":
		_, err := io.WriteString(out, helpText())
		return err
	case "timing":
		on, err := parseSwitch(cmd.name, cmd.arg, r.sh.timing)
		if err != nil {
			return err
		}
		r.sh.timing = on
		fmt.Fprintf(out, "Timing is %s.\n", map[bool]string{true: "on", false: "off"}[on])
	case "x":
		m, err := parseExpanded(cmd.arg, r.sh.opts.Expanded)
		if err != nil {
			return err
		}
		r.sh.opts.Expanded = m
		fmt.Fprintf(out, "Expanded display is %s.\n", expandedName(m))
	case "format":
		return r.setFormat(cmd.arg)
	case "o":
		return r.setOutput(cmd.arg)
	case "i":
		b, err := os.ReadFile(r.expandHome(cmd.arg))
		if err != nil {
			return fmt.Errorf(`\i: %w`, err)
		}
		r.interruptible(ctx, func(ctx context.Context) { r.runSQL(ctx, cmd.arg, string(b)) })
	case "e":
		return r.edit(ctx)
	case "d":
		if cmd.arg == "" {
			return r.listTables(ctx)
		}
		if !validTableName(cmd.arg) {
			return fmt.Errorf(`\d: %q is not a table name`, cmd.arg)
		}
		r.interruptible(ctx, func(ctx context.Context) { r.runSQL(ctx, "", "DESCRIBE "+cmd.arg) })
	}
	return nil
}

// binaryFormat reports whether f writes bytes no terminal can show.
func binaryFormat(f outputFormat) bool { return f == formatArrow || f == formatParquet }

func (r *repl) setFormat(name string) error {
	if name == "" {
		fmt.Fprintf(r.env.stdout, "The output format is %s.\n", r.sh.opts.Format)
		return nil
	}
	f, err := parseFormat(strings.ToLower(name))
	if err != nil {
		return err
	}
	if binaryFormat(f) && r.sh.outFile == nil && r.sh.outIsTTY {
		return fmt.Errorf(`%s is a binary format: send the results to a file with \o FILE first`, f)
	}
	r.sh.opts.Format = f
	fmt.Fprintf(r.env.stdout, "The output format is %s.\n", f)
	return nil
}

func (r *repl) setOutput(name string) error {
	if err := r.sh.setOutput(r.expandHome(name)); err != nil {
		return err
	}
	if name == "" {
		if binaryFormat(r.sh.opts.Format) && r.sh.outIsTTY {
			r.sh.opts.Format = formatTable
			fmt.Fprintln(r.env.stdout, "Results go to the screen again, as tables.")
			return nil
		}
		fmt.Fprintln(r.env.stdout, "Results go to the screen again.")
		return nil
	}
	fmt.Fprintf(r.env.stdout, "Results go to %s (%s); \\o alone sends them back to the screen.\n", name, r.sh.opts.Format)
	return nil
}

// expandHome replaces a leading ~ of a file name by the home directory.
func (r *repl) expandHome(name string) string {
	if name != "~" && !strings.HasPrefix(name, "~/") {
		return name
	}
	home := r.env.getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	return expandHome(name, home)
}

// edit runs \e: it opens the last statement in $EDITOR (vi if unset) and
// runs what the editor saved.
func (r *repl) edit(ctx context.Context) error {
	last := r.history.last(func(e string) bool { return !isMetaCommand(e) })
	f, err := os.CreateTemp("", "hopsql-*.sql")
	if err != nil {
		return fmt.Errorf(`\e: %w`, err)
	}
	path := f.Name()
	defer os.Remove(path)
	if last != "" {
		last += "\n"
	}
	_, err = f.WriteString(last)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf(`\e: %w`, err)
	}
	editor := strings.TrimSpace(r.env.getenv("EDITOR"))
	if editor == "" {
		editor = "vi"
	}
	cmd := editorCommand(editor, path)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = r.env.stdin, r.env.stdout, r.env.stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf(`\e: the editor %q failed: %w`, editor, err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf(`\e: %w`, err)
	}
	text := strings.TrimSpace(string(b))
	if text == "" {
		return nil
	}
	if _, err := r.history.Write(text); err != nil {
		fmt.Fprintln(r.env.stderr, "Warning:", err)
	}
	fmt.Fprintln(r.env.stdout, text)
	r.interruptible(ctx, func(ctx context.Context) { r.runSQL(ctx, "", text) })
	return nil
}

// editorCommand runs the editor command line editor (which may hold
// arguments, as in "code --wait") on path.
func editorCommand(editor, path string) *exec.Cmd {
	if runtime.GOOS == "windows" {
		args := strings.Fields(editor)
		return exec.Command(args[0], append(args[1:], path)...)
	}
	return exec.Command("/bin/sh", "-c", editor+` "$@"`, editor, path)
}

// listTables runs \d: it reloads the catalog and lists the feature groups
// of every readable store.
func (r *repl) listTables(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, catalogTimeout)
	defer cancel()
	cat, err := loadCatalog(ctx, r.sh.conn)
	if err != nil {
		return fmt.Errorf(`\d: %w`, err)
	}
	r.cat, r.catFailed = cat, false
	var stores []string
	for _, p := range cat.projects {
		if p == cat.project {
			stores = append(stores, p+" (this project's)")
		} else {
			stores = append(stores, p+" (shared)")
		}
	}
	if r.sh.opts.Format == formatTable {
		fmt.Fprintf(r.sh.out, "Feature stores: %s\n", strings.Join(stores, ", "))
	}
	rr, err := tableList(cat)
	if err != nil {
		return err
	}
	defer rr.Release()
	r.fitTerminal()
	if _, err := writeResult(r.sh.out, rr, &r.sh.opts); err != nil {
		return fmt.Errorf(`\d: %w`, err)
	}
	return nil
}

// tableListSchema is the result of \d.
var tableListSchema = arrow.NewSchema([]arrow.Field{
	{Name: "table", Type: arrow.BinaryTypes.String},
	{Name: "features", Type: arrow.PrimitiveTypes.Int64},
	{Name: "primary_key", Type: arrow.BinaryTypes.String},
	{Name: "event_time", Type: arrow.BinaryTypes.String},
	{Name: "description", Type: arrow.BinaryTypes.String},
}, nil)

// tableList is the result of \d: a row per feature group version, named
// as the session writes it, the session's own first.
func tableList(cat *catalogNames) (array.RecordReader, error) {
	b := array.NewRecordBuilder(memory.DefaultAllocator, tableListSchema)
	defer b.Release()
	for _, p := range cat.projects {
		for _, t := range cat.tablesOf(p) {
			var key []string
			eventTime := ""
			for _, c := range t.columns {
				if c.primary {
					key = append(key, c.name)
				}
				if c.eventTime {
					eventTime = c.name
				}
			}
			b.Field(0).(*array.StringBuilder).Append(cat.sqlName(t))
			b.Field(1).(*array.Int64Builder).Append(int64(len(t.columns)))
			b.Field(2).(*array.StringBuilder).Append(strings.Join(key, ", "))
			b.Field(3).(*array.StringBuilder).Append(eventTime)
			b.Field(4).(*array.StringBuilder).Append(t.description)
		}
	}
	rec := b.NewRecord()
	defer rec.Release()
	rr, err := array.NewRecordReader(tableListSchema, []arrow.Record{rec})
	if err != nil {
		return nil, fmt.Errorf(`\d: %w`, err)
	}
	return rr, nil
}
