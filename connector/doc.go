// Package connector is the contract between hopsql's planner and the
// backends that hold feature stores.
//
// A backend (the embedded store in connector/local, Hopsworks in
// connector/hopsworks) describes the feature stores a project may read and
// the feature groups in them, and plans scans of one feature group with the
// columns and filters the planner offers it. The vocabulary the two sides
// share lives here and depends on Arrow only: the feature group model
// (FeatureGroup, Feature, Store), the Hopsworks offline type system
// (ParseType, TypeName), a small predicate tree (Predicate) and the scan
// contract (ScanRequest, Scan, Partition).
package connector
