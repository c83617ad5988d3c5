package local

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/compress"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
)

// DefaultRowGroupLength is the number of rows in a row group when no
// WithRowGroupLength option is given.
const DefaultRowGroupLength = 128 * 1024

// createdBy is written as the Parquet files' created_by. It is fixed, so that
// the same rows always give the same bytes, and follows the
// "<app> version <x.y.z> (build <b>)" form that readers parse to decide
// whether to trust statistics.
const createdBy = "parquet-go version 15.0.2 (build hopsql)"

// partFileName returns the name of the i-th Parquet file of a feature group.
func partFileName(i int) string { return fmt.Sprintf("part-%05d.parquet", i) }

// tmpSuffix marks a file that is still being written. It is renamed to its
// final name only once complete, so readers, which look for *.parquet and
// *.json, never see a partial file.
const tmpSuffix = ".tmp"

// WriteProject creates the project directory dir/<p.Name> if needed and
// writes p to its project.json.
func WriteProject(dir string, p ProjectFile) error {
	if err := checkProjectName(p.Name); err != nil {
		return fmt.Errorf("local: writing project: %w", err)
	}
	for _, s := range p.SharedWith {
		if err := checkProjectName(s); err != nil {
			return fmt.Errorf("local: writing project %s: shared_with: %w", p.Name, err)
		}
	}
	projectDir := filepath.Join(dir, p.Name)
	if err := os.MkdirAll(projectDir, 0o755); err != nil {
		return fmt.Errorf("local: writing project %s: %w", p.Name, err)
	}
	return writeJSON(filepath.Join(projectDir, ProjectFileName), p)
}

// writeJSON writes v as indented JSON with a trailing newline to path,
// through a temporary file renamed into place.
func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("local: encoding %s: %w", path, err)
	}
	b = append(b, '\n')
	tmp := path + tmpSuffix
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return fmt.Errorf("local: writing %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("local: writing %s: %w", path, err)
	}
	return nil
}

// A WriterOption configures a TableWriter.
type WriterOption func(*writerConfig)

type writerConfig struct {
	rowGroupLength int64
	rowsPerFile    int64
	compression    compress.Compression
	mem            memory.Allocator
}

// WithRowGroupLength sets the number of rows in each Parquet row group
// (the last row group of a file may be shorter). The default is
// DefaultRowGroupLength. The writer holds up to one row group of rows in
// memory.
func WithRowGroupLength(rows int64) WriterOption {
	return func(c *writerConfig) { c.rowGroupLength = rows }
}

// WithRowsPerFile makes the writer start a new Parquet file after every rows
// rows. The default, 0, writes all rows into one file.
func WithRowsPerFile(rows int64) WriterOption {
	return func(c *writerConfig) { c.rowsPerFile = rows }
}

// WithCompression sets the compression codec of every column. The default
// is Snappy.
func WithCompression(codec compress.Compression) WriterOption {
	return func(c *writerConfig) { c.compression = codec }
}

// WithWriterAllocator sets the allocator the writer uses for Arrow and
// Parquet buffers. The default is memory.DefaultAllocator.
func WithWriterAllocator(mem memory.Allocator) WriterOption {
	return func(c *writerConfig) { c.mem = mem }
}

// TableWriter streams rows into the Parquet files of one feature group:
// part-00000.parquet, part-00001.parquet, and so on. Rows are cut into row
// groups of a fixed length, whatever the sizes of the records passed to
// Write, and the files' bytes depend only on the rows and the options: the
// same rows always give the same files. Each file carries column statistics
// and the Arrow schema, so that timestamp units and decimals read back
// exactly.
//
// A file is written under a temporary name (part-00000.parquet.tmp) and
// renamed when complete, so an interrupted run never leaves a partial file
// that looks complete.
//
// A TableWriter is not safe for concurrent use.
type TableWriter struct {
	dir    string // the feature group directory
	table  string // <name>_<version>, for messages
	schema *arrow.Schema
	cfg    writerConfig
	props  *parquet.WriterProperties
	aprops pqarrow.ArrowWriterProperties

	// pending holds rows, fewer than the current row group needs, that
	// wait for the next Write or for Close.
	pending     []arrow.Record
	pendingRows int64

	part     int // index of the file being written or next to write
	file     *os.File
	buf      *bufio.Writer
	fw       *pqarrow.FileWriter
	fileRows int64    // rows written to the current file
	done     []string // complete files written so far

	err    error // sticky: the first write error
	closed bool
}

// CreateFeatureGroup checks fg (names, types, primary key, event time),
// creates the directory projectDir/<name>_<version>, writes fg to its
// featuregroup.json and returns a writer for the feature group's rows.
//
// The directory may exist, but must not already hold Parquet files. The
// caller must call Close (or Abort) on the returned writer.
func CreateFeatureGroup(projectDir string, fg FeatureGroupFile, opts ...WriterOption) (*TableWriter, error) {
	cfg := writerConfig{
		rowGroupLength: DefaultRowGroupLength,
		compression:    compress.Codecs.Snappy,
		mem:            memory.DefaultAllocator,
	}
	for _, o := range opts {
		o(&cfg)
	}
	table := fmt.Sprintf("%s_%d", fg.Name, fg.Version)
	switch {
	case cfg.rowGroupLength < 1:
		return nil, fmt.Errorf("local: writing %s: row group length %d is not positive", table, cfg.rowGroupLength)
	case cfg.rowsPerFile < 0:
		return nil, fmt.Errorf("local: writing %s: rows per file %d is negative", table, cfg.rowsPerFile)
	case cfg.mem == nil:
		return nil, fmt.Errorf("local: writing %s: nil allocator", table)
	}
	schema, err := checkFeatureGroup(fg)
	if err != nil {
		return nil, fmt.Errorf("local: writing %s: %w", table, err)
	}

	dir := filepath.Join(projectDir, table)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("local: writing %s: %w", table, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("local: writing %s: %w", table, err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".parquet") {
			return nil, fmt.Errorf("local: writing %s: %s already holds Parquet files (%s); remove them first", table, dir, e.Name())
		}
	}
	if err := writeJSON(filepath.Join(dir, FeatureGroupFileName), fg); err != nil {
		return nil, err
	}

	return &TableWriter{
		dir:    dir,
		table:  table,
		schema: schema,
		cfg:    cfg,
		props: parquet.NewWriterProperties(
			parquet.WithAllocator(cfg.mem),
			parquet.WithCreatedBy(createdBy),
			parquet.WithVersion(parquet.V2_6),
			parquet.WithDataPageVersion(parquet.DataPageV1),
			parquet.WithCompression(cfg.compression),
			parquet.WithMaxRowGroupLength(cfg.rowGroupLength),
			parquet.WithDictionaryDefault(true),
			parquet.WithStats(true),
			// Decimals of precision up to 18 are stored as INT32 or INT64,
			// as Spark and DuckDB write them; their statistics are then
			// plain integers.
			parquet.WithStoreDecimalAsInteger(true),
		),
		aprops: pqarrow.NewArrowWriterProperties(
			pqarrow.WithStoreSchema(),
			pqarrow.WithAllocator(cfg.mem),
		),
	}, nil
}

// checkFeatureGroup validates fg with exactly the rules the reader applies
// to featuregroup.json, so that the writer never writes a feature group the
// reader rejects, and returns the Arrow schema of its rows.
func checkFeatureGroup(fg FeatureGroupFile) (*arrow.Schema, error) {
	// The reader accepts names in any case; what the writer writes is
	// canonical, as in Hopsworks.
	if fg.Name != strings.ToLower(fg.Name) {
		return nil, fmt.Errorf("feature group name %q must be lower-case", fg.Name)
	}
	for _, f := range fg.Features {
		if f.Name != strings.ToLower(f.Name) {
			return nil, fmt.Errorf("feature name %q must be lower-case", f.Name)
		}
	}
	data, err := json.Marshal(fg)
	if err != nil {
		return nil, err
	}
	parsed, err := parseFeatureGroup(FeatureGroupFileName, "", fmt.Sprintf("%s_%d", fg.Name, fg.Version), data)
	if err != nil {
		return nil, err
	}
	return parsed.Schema(), nil
}

// checkProjectName accepts project names of letters, digits and underscores.
func checkProjectName(s string) error {
	if s == "" {
		return errors.New("empty project name")
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return fmt.Errorf("project name %q: use letters, digits and underscores", s)
		}
	}
	return nil
}

// Schema returns the schema of the records Write accepts: one nullable
// field per feature, in order, with the Arrow type connector.ParseType gives
// the feature's type.
func (w *TableWriter) Schema() *arrow.Schema { return w.schema }

// Write appends the rows of rec. Its columns must have the writer's names
// and types, in order; field nullability and metadata are ignored. Write
// keeps a reference to rows that do not fill a row group yet (copying them
// if rec is longer than a row group) and writes each full row group.
func (w *TableWriter) Write(rec arrow.Record) error {
	if w.closed {
		return fmt.Errorf("local: writing %s: writer is closed", w.table)
	}
	if w.err != nil {
		return w.err
	}
	if err := w.checkSchema(rec.Schema()); err != nil {
		return fmt.Errorf("local: writing %s: %w", w.table, err)
	}
	n := rec.NumRows()
	if n == 0 {
		return nil
	}
	// Give the record our schema, so that pqarrow accepts it whatever its
	// fields' nullability or metadata.
	rec = array.NewRecord(w.schema, rec.Columns(), n)
	defer rec.Release()

	for off := int64(0); off < n; {
		need := w.groupTarget() - w.pendingRows
		take := min(need, n-off)
		slice := rec.NewSlice(off, off+take)
		off += take
		if w.pendingRows == 0 && take == need {
			// A whole row group from one record: write it as is.
			err := w.writeGroup(slice)
			slice.Release()
			if err != nil {
				return w.fail(err)
			}
			continue
		}
		if n > w.cfg.rowGroupLength {
			// Do not keep a large record alive for a few of its rows.
			c, err := concatRecords(w.schema, []arrow.Record{slice}, w.cfg.mem)
			slice.Release()
			if err != nil {
				return w.fail(err)
			}
			slice = c
		}
		w.pending = append(w.pending, slice)
		w.pendingRows += take
		if w.pendingRows == w.groupTarget() {
			if err := w.flushPending(); err != nil {
				return w.fail(err)
			}
		}
	}
	return nil
}

// checkSchema reports how s differs from the writer's schema, ignoring
// nullability and metadata.
func (w *TableWriter) checkSchema(s *arrow.Schema) error {
	want := w.schema.Fields()
	got := s.Fields()
	if len(got) != len(want) {
		return fmt.Errorf("record has %d columns, want %d (%s)", len(got), len(want), fieldList(want))
	}
	for i := range want {
		if got[i].Name != want[i].Name {
			return fmt.Errorf("record column %d is %q, want %q (%s)", i, got[i].Name, want[i].Name, fieldList(want))
		}
		if !arrow.TypeEqual(got[i].Type, want[i].Type) {
			return fmt.Errorf("record column %q has type %s, want %s", want[i].Name, got[i].Type, want[i].Type)
		}
	}
	return nil
}

func fieldList(fields []arrow.Field) string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}

// groupTarget returns the number of rows the current row group needs: a
// full row group, or what is left of the current file.
func (w *TableWriter) groupTarget() int64 {
	t := w.cfg.rowGroupLength
	if w.cfg.rowsPerFile > 0 {
		t = min(t, w.cfg.rowsPerFile-w.fileRows)
	}
	return t
}

// flushPending writes the pending rows as one row group.
func (w *TableWriter) flushPending() error {
	if w.pendingRows == 0 {
		return nil
	}
	recs := w.pending
	w.pending, w.pendingRows = nil, 0
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	if len(recs) == 1 {
		return w.writeGroup(recs[0])
	}
	rec, err := concatRecords(w.schema, recs, w.cfg.mem)
	if err != nil {
		return err
	}
	defer rec.Release()
	return w.writeGroup(rec)
}

// concatRecords copies the rows of recs into one record.
func concatRecords(schema *arrow.Schema, recs []arrow.Record, mem memory.Allocator) (arrow.Record, error) {
	cols := make([]arrow.Array, schema.NumFields())
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	parts := make([]arrow.Array, len(recs))
	var n int64
	for _, r := range recs {
		n += r.NumRows()
	}
	for i := range cols {
		for j, r := range recs {
			parts[j] = r.Column(i)
		}
		c, err := array.Concatenate(parts, mem)
		if err != nil {
			return nil, fmt.Errorf("copying column %s: %w", schema.Field(i).Name, err)
		}
		cols[i] = c
	}
	return array.NewRecord(schema, cols, n), nil
}

// writeGroup writes rec, at most a row group of rows, as one row group,
// opening a file first and closing it when full.
func (w *TableWriter) writeGroup(rec arrow.Record) error {
	if w.fw == nil {
		if err := w.openFile(); err != nil {
			return err
		}
	}
	if err := w.fw.Write(rec); err != nil {
		return fmt.Errorf("writing %s: %w", w.tmpPath(), err)
	}
	w.fileRows += rec.NumRows()
	if w.cfg.rowsPerFile > 0 && w.fileRows >= w.cfg.rowsPerFile {
		return w.finishFile()
	}
	return nil
}

func (w *TableWriter) finalPath() string { return filepath.Join(w.dir, partFileName(w.part)) }
func (w *TableWriter) tmpPath() string   { return w.finalPath() + tmpSuffix }

func (w *TableWriter) openFile() error {
	f, err := os.OpenFile(w.tmpPath(), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	w.file = f
	w.buf = bufio.NewWriterSize(f, 1<<20)
	fw, err := pqarrow.NewFileWriter(w.schema, w.buf, w.props, w.aprops)
	if err != nil {
		w.discardFile()
		return fmt.Errorf("writing %s: %w", w.tmpPath(), err)
	}
	w.fw = fw
	w.fileRows = 0
	return nil
}

// finishFile completes the current file and gives it its final name.
func (w *TableWriter) finishFile() error {
	tmp, final := w.tmpPath(), w.finalPath()
	err := w.fw.Close()
	if err == nil {
		err = w.buf.Flush()
	}
	if cerr := w.file.Close(); err == nil {
		err = cerr
	}
	w.fw, w.buf, w.file = nil, nil, nil
	if err == nil {
		err = os.Rename(tmp, final)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", final, err)
	}
	w.done = append(w.done, final)
	w.part++
	w.fileRows = 0
	return nil
}

// discardFile closes and removes the file being written, if any.
func (w *TableWriter) discardFile() {
	if w.fw != nil {
		w.fw.Close() // releases buffers; the bytes go nowhere useful
	}
	if w.file != nil {
		w.file.Close()
		os.Remove(w.tmpPath())
	}
	w.fw, w.buf, w.file = nil, nil, nil
}

func (w *TableWriter) releasePending() {
	for _, r := range w.pending {
		r.Release()
	}
	w.pending, w.pendingRows = nil, 0
}

// fail records the first error, discards the file being written and
// returns the error, wrapped with the feature group's name.
func (w *TableWriter) fail(err error) error {
	w.err = fmt.Errorf("local: writing %s: %w", w.table, err)
	w.releasePending()
	w.discardFile()
	return w.err
}

// Close writes the remaining rows and completes the last file. A writer
// that was given no rows writes no Parquet file. After a failed Write, Close
// returns that error and leaves only the files completed before it.
func (w *TableWriter) Close() error {
	if w.closed {
		return w.err
	}
	w.closed = true
	if w.err != nil {
		return w.err
	}
	if err := w.flushPending(); err != nil {
		return w.fail(err)
	}
	if w.fw != nil {
		if err := w.finishFile(); err != nil {
			return w.fail(err)
		}
	}
	return nil
}

// Abort stops writing and removes what the writer wrote: its Parquet files,
// the file in progress and featuregroup.json, and the feature group
// directory if it is then empty. Use it when the rows cannot be completed,
// for example because a context was cancelled.
func (w *TableWriter) Abort() error {
	w.closed = true
	if w.err == nil {
		w.err = fmt.Errorf("local: writing %s: aborted", w.table)
	}
	w.releasePending()
	w.discardFile()
	var errs []error
	for _, p := range append(w.done, filepath.Join(w.dir, FeatureGroupFileName)) {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	w.done = nil
	os.Remove(w.dir) // fails, harmlessly, if something else is in it
	if len(errs) > 0 {
		return fmt.Errorf("local: aborting %s: %w", w.table, errors.Join(errs...))
	}
	return nil
}
