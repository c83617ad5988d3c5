package connector

import (
	"context"
	"errors"
	"fmt"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// StoreSuffix is appended to a project's name to form the name of its feature
// store (and of the Hive database that holds its offline tables).
const StoreSuffix = "_featurestore"

// ErrNotFound is wrapped by errors that report a missing project, store or
// feature group.
var ErrNotFound = errors.New("not found")

// Store is a feature store as seen from one project: the project's own store
// or a store another project has shared with it.
type Store struct {
	// Project is the owning project's name, lower-case.
	Project string
	// Shared reports whether the store belongs to another project and was
	// shared with the asking one; shared stores are read-only.
	Shared bool
	// Description is free text, possibly empty.
	Description string
}

// Name returns the store's Hopsworks name, "<project>_featurestore".
func (s Store) Name() string { return s.Project + StoreSuffix }

// Feature is one column of a feature group.
type Feature struct {
	// Name is the feature's name, lower-case.
	Name string
	// Type is the Hopsworks offline type as written in metadata, lower-case,
	// for example "bigint" or "decimal(12,2)".
	Type string
	// DataType is Type mapped to Arrow by ParseType.
	DataType arrow.DataType
	// Description is free text, possibly empty.
	Description string
	// Primary reports whether the feature is part of the primary key.
	Primary bool
}

// FeatureGroup describes one version of a feature group.
type FeatureGroup struct {
	// Project is the owning project's name, lower-case.
	Project string
	// Name is the feature group's name, lower-case, without version.
	Name string
	// Version is the feature group's version, 1 or more.
	Version int
	// Description is free text, possibly empty.
	Description string
	// PrimaryKey lists the primary-key features in key order.
	PrimaryKey []string
	// EventTime names the event-time feature, or is empty.
	EventTime string
	// Features lists the columns in table order.
	Features []Feature
}

// TableName returns the feature group's table name, "<name>_<version>".
func (fg *FeatureGroup) TableName() string { return fmt.Sprintf("%s_%d", fg.Name, fg.Version) }

// QualifiedName returns "<project>::<name>_<version>", the name hopsql shows
// for the feature group.
func (fg *FeatureGroup) QualifiedName() string { return fg.Project + "::" + fg.TableName() }

// Feature returns the feature called name and whether it exists.
func (fg *FeatureGroup) Feature(name string) (Feature, bool) {
	for _, f := range fg.Features {
		if f.Name == name {
			return f, true
		}
	}
	return Feature{}, false
}

// Schema returns the Arrow schema of the feature group's rows. Every field is
// nullable, as feature values may be missing.
func (fg *FeatureGroup) Schema() *arrow.Schema { return FeatureSchema(fg.Features) }

// FeatureSchema returns the Arrow schema of rows holding features, in
// order: nullable fields of the features' Arrow types.
func FeatureSchema(features []Feature) *arrow.Schema {
	fields := make([]arrow.Field, len(features))
	for i, f := range features {
		fields[i] = arrow.Field{Name: f.Name, Type: f.DataType, Nullable: true}
	}
	return arrow.NewSchema(fields, nil)
}

// Source is a backend that holds feature stores. Implementations are safe
// for concurrent use.
type Source interface {
	// Stores lists the feature stores that a session bound to project may
	// read: the project's own store first, then the stores shared with it.
	// It fails with an error wrapping ErrNotFound if the project is unknown.
	Stores(ctx context.Context, project string) ([]Store, error)

	// FeatureGroups lists every version of every feature group in the store
	// owned by project, described with their features.
	FeatureGroups(ctx context.Context, project string) ([]*FeatureGroup, error)

	// PlanScan plans a read of fg. It may read metadata (file footers,
	// statistics) but no rows.
	PlanScan(ctx context.Context, fg *FeatureGroup, req ScanRequest) (Scan, error)
}

// ScanRequest says what the planner wants from a scan.
type ScanRequest struct {
	// Columns names the features to read, in output order. An empty list
	// reads no column: the scan then yields batches with rows but no columns,
	// which is what COUNT(*) needs.
	Columns []string

	// Filter holds conjuncts the source may use to skip data it can prove
	// does not match. Filtering is inexact: the planner still evaluates every
	// conjunct on the rows that come back.
	Filter []Predicate

	// Limit, when positive, says that the caller will stop after this many
	// rows; the source may stop early. Zero means no limit.
	Limit int64
}

// Scan is a planned read of one feature group, split into partitions that
// may be read concurrently. Together the partitions yield every row the
// scan selects, each exactly once.
type Scan interface {
	// Schema is the schema of every batch the partitions yield: the
	// requested columns, in order.
	Schema() *arrow.Schema

	// Partitions returns the independent parts of the scan.
	Partitions() []Partition

	// Explain describes the scan for EXPLAIN, one fact per line: files
	// read, row groups kept, filters used.
	Explain() []string
}

// RowEstimator is implemented by scans that can say, before reading, about
// how many rows they will yield before the planner's filters. The planner
// uses it to order joins.
type RowEstimator interface {
	EstimatedRows() int64
}

// Partition is one independently readable part of a Scan.
type Partition interface {
	// Open starts reading. The reader stops with ctx.Err() once ctx is done,
	// allocates from mem, and must be released by the caller.
	Open(ctx context.Context, mem memory.Allocator) (array.RecordReader, error)
}
