package local

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
	"github.com/hopsql/hopsql/connector"
)

// maxRowGroupsPerPartition bounds the row groups a partition reads, so that
// a large file still spreads over several workers.
const maxRowGroupsPerPartition = 4

// PlanScan plans a read of fg: it lists the feature group's Parquet files,
// checks each file's schema against the features, and keeps the row groups
// whose statistics do not rule out req.Filter. It reads footers but no rows.
func (w *Warehouse) PlanScan(ctx context.Context, fg *connector.FeatureGroup, req connector.ScanRequest) (connector.Scan, error) {
	if fg == nil {
		return nil, errors.New("local: PlanScan of a nil feature group")
	}
	features, err := requestedFeatures(fg, req.Columns)
	if err != nil {
		return nil, err
	}
	dir, err := w.featureGroupDir(ctx, fg)
	if err != nil {
		return nil, err
	}
	paths, err := parquetFiles(dir)
	if err != nil {
		return nil, err
	}
	pr := newPruner(fg, req.Filter)
	files := make([]plannedFile, 0, len(paths))
	for _, path := range paths {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		f, err := planFile(path, fg, pr, w.footers)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}

	batch := w.BatchSize
	if batch <= 0 {
		batch = DefaultBatchSize
	}
	s := &scan{schema: connector.FeatureSchema(features)}
	var total, kept int
	for _, f := range files {
		total += f.total
		kept += len(f.rowGroups)
	}
	per := maxRowGroupsPerPartition
	if half := (kept + 1) / 2; half < per {
		per = max(half, 1)
	}
	for _, f := range files {
		for start := 0; start < len(f.rowGroups); start += per {
			end := min(start+per, len(f.rowGroups))
			p := &partition{
				path:      f.path,
				features:  features,
				schema:    s.schema,
				rowGroups: f.rowGroups[start:end],
				batchSize: batch,
				limit:     req.Limit,
				footers:   w.footers,
			}
			for _, n := range f.rows[start:end] {
				p.numRows += n
			}
			s.rows += p.numRows
			s.parts = append(s.parts, p)
		}
	}
	s.explain = []string{
		fmt.Sprintf("files: %d", len(files)),
		fmt.Sprintf("row groups: %d of %d kept (%d pruned by statistics)", kept, total, total-kept),
		fmt.Sprintf("partitions: %d", len(s.parts)),
	}
	switch len(pr.filters) {
	case 0:
	case 1:
		s.explain = append(s.explain, "filters used for pruning: "+pr.filters[0].String())
	default:
		s.explain = append(s.explain, "filters used for pruning: "+connector.And(pr.filters).String())
	}
	return s, nil
}

// scan implements connector.Scan.
type scan struct {
	schema  *arrow.Schema
	parts   []connector.Partition
	explain []string
	rows    int64 // in the kept row groups
}

var _ connector.RowEstimator = (*scan)(nil)

// EstimatedRows implements connector.RowEstimator: the rows of the row
// groups the scan reads.
func (s *scan) EstimatedRows() int64 { return s.rows }

func (s *scan) Schema() *arrow.Schema             { return s.schema }
func (s *scan) Partitions() []connector.Partition { return s.parts }
func (s *scan) Explain() []string                 { return s.explain }

// requestedFeatures looks up the requested columns among fg's features.
func requestedFeatures(fg *connector.FeatureGroup, columns []string) ([]connector.Feature, error) {
	out := make([]connector.Feature, len(columns))
	for i, c := range columns {
		f, ok := fg.Feature(strings.ToLower(c))
		if !ok {
			return nil, fmt.Errorf("local: feature group %s has no feature %q; its features are %s", fg.QualifiedName(), c, featureList(fg))
		}
		out[i] = f
	}
	return out, nil
}

// parquetFiles lists the Parquet files in dir, sorted by name. Names
// starting with a dot or an underscore are hidden, as in Hive and Spark.
func parquetFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("local: listing %s: %w", dir, err)
	}
	var out []string
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || !strings.EqualFold(filepath.Ext(name), ".parquet") {
			continue
		}
		path := filepath.Join(dir, name)
		if e.Type()&fs.ModeSymlink != 0 {
			fi, err := os.Stat(path)
			if err != nil {
				return nil, fmt.Errorf("local: %w", err)
			}
			if fi.IsDir() {
				continue
			}
		} else if e.IsDir() {
			continue
		}
		out = append(out, path)
	}
	return out, nil
}

// plannedFile is a Parquet file with the row groups a scan reads.
type plannedFile struct {
	path      string
	total     int     // row groups in the file that hold rows
	rowGroups []int   // the row groups kept
	rows      []int64 // rows in each kept row group
}

// planFile reads the footer of the file at path, checks its schema against
// fg and keeps the row groups the pruner cannot rule out.
func planFile(path string, fg *connector.FeatureGroup, pr *pruner, footers *footerCache) (plannedFile, error) {
	pf, fr, err := openParquet(path, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator, footers)
	if err != nil {
		return plannedFile{}, err
	}
	defer pf.Close()
	cols, err := mapColumns(path, fr.Manifest, fg.Features)
	if err != nil {
		return plannedFile{}, err
	}
	flat := make(map[string]int)
	for i, f := range fg.Features {
		if sf := fr.Manifest.Fields[cols[i].field]; isLeaf(&sf) {
			flat[f.Name] = sf.ColIndex
		}
	}
	md := pf.MetaData()
	out := plannedFile{path: path}
	for rg := 0; rg < pf.NumRowGroups(); rg++ {
		n := md.RowGroups[rg].GetNumRows()
		if n == 0 {
			continue // nothing to read, nor to count
		}
		out.total++
		if len(pr.filters) > 0 && pr.skip(newRowGroupStats(md, rg, flat)) {
			continue
		}
		out.rowGroups = append(out.rowGroups, rg)
		out.rows = append(out.rows, n)
	}
	return out, nil
}

// openParquet opens the Parquet file at path and reads its footer, or
// takes it from footers (which may be nil). Arrays the returned pqarrow
// reader builds come from mem; buffers used only while decoding come from
// the default allocator. The caller closes the file.Reader, which closes
// the file.
func openParquet(path string, props pqarrow.ArrowReadProperties, mem memory.Allocator, footers *footerCache) (pf *file.Reader, fr *pqarrow.FileReader, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("local: opening Parquet file: %w", err)
	}
	defer func() {
		// The Parquet footer decoder can panic on damaged input.
		if r := recover(); r != nil {
			err = fmt.Errorf("local: %s: not a readable Parquet file: %v", path, r)
		}
		if err != nil {
			f.Close()
			pf, fr = nil, nil
		}
	}()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("local: opening Parquet file: %w", err)
	}
	opts := []file.ReadOption{file.WithReadProps(parquet.NewReaderProperties(memory.DefaultAllocator))}
	cached := footers.get(path, fi)
	if cached != nil {
		opts = append(opts, file.WithMetadata(cached))
	}
	pf, err = file.NewParquetReader(f, opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("local: %s: not a readable Parquet file: %w", path, err)
	}
	if cached == nil {
		footers.put(path, fi, pf.MetaData())
	}
	fr, err = pqarrow.NewFileReader(pf, props, mem)
	if err != nil {
		return nil, nil, fmt.Errorf("local: %s: cannot read the Parquet schema as Arrow: %w", path, err)
	}
	return pf, fr, nil
}

// fileColumn locates a feature in a Parquet file.
type fileColumn struct {
	field  int   // index of the top-level field in the file's schema
	leaves []int // the leaf columns holding the feature's parts
}

// mapColumns checks that the file at path, whose schema is m, holds every
// feature with a compatible type, and locates each feature.
func mapColumns(path string, m *pqarrow.SchemaManifest, features []connector.Feature) ([]fileColumn, error) {
	exact := make(map[string]int, len(m.Fields))
	folded := make(map[string]int, len(m.Fields))
	for i, f := range m.Fields {
		exact[f.Field.Name] = i
		if _, dup := folded[strings.ToLower(f.Field.Name)]; !dup {
			folded[strings.ToLower(f.Field.Name)] = i
		}
	}
	out := make([]fileColumn, len(features))
	for i, f := range features {
		j, ok := exact[f.Name]
		if !ok {
			j, ok = folded[f.Name]
		}
		if !ok {
			names := make([]string, len(m.Fields))
			for k, mf := range m.Fields {
				names[k] = mf.Field.Name
			}
			return nil, fmt.Errorf("local: %s: no column for feature %q (%s); the file's columns are %s; every Parquet file of a feature group must hold all its features",
				path, f.Name, f.Type, strings.Join(names, ", "))
		}
		have := m.Fields[j].Field.Type
		if !compatible(f.DataType, have) {
			return nil, fmt.Errorf("local: %s: feature %q is %s (Arrow %s) in %s, but the file's column has Arrow type %s; rewrite the file or correct the feature's type",
				path, f.Name, f.Type, f.DataType, FeatureGroupFileName, have)
		}
		out[i] = fileColumn{field: j, leaves: leafColumns(&m.Fields[j], f.DataType, nil)}
	}
	return out, nil
}

// leafColumns appends the leaf column indices under sf that hold the parts
// of want (every leaf when want is nil): only the wanted fields of a struct.
func leafColumns(sf *pqarrow.SchemaField, want arrow.DataType, out []int) []int {
	if isLeaf(sf) {
		return append(out, sf.ColIndex)
	}
	switch w := want.(type) {
	case *arrow.StructType:
		if st, ok := sf.Field.Type.(*arrow.StructType); ok && len(sf.Children) == st.NumFields() {
			for _, wf := range w.Fields() {
				if i := fieldIndex(st, wf.Name); i >= 0 {
					out = leafColumns(&sf.Children[i], wf.Type, out)
				}
			}
			return out
		}
	case *arrow.ListType:
		if len(sf.Children) == 1 {
			return leafColumns(&sf.Children[0], w.Elem(), out)
		}
	}
	for i := range sf.Children {
		out = leafColumns(&sf.Children[i], nil, out)
	}
	return out
}

// isLeaf reports whether sf is a leaf column. (SchemaField.IsLeaf is not
// reliable: pqarrow leaves ColIndex at 0, not -1, for groups.)
func isLeaf(sf *pqarrow.SchemaField) bool { return len(sf.Children) == 0 }
