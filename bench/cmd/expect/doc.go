// Command expect writes the expected results of hopsql's differential test
// corpus with DuckDB, the reference engine.
//
// It generates the demo store at scale 1 into a temporary directory (the
// store is deterministic, so the answers hold for the store the tests
// generate), shows it to DuckDB as one schema per project, runs every
// query file NNN_topic.sql of the corpus with its session project and
// writes its answer next to it as NNN_topic.expected, in the canonical
// text form of package plantest. The answers come from DuckDB only, never
// from hopsql.
//
// Usage, from bench/:
//
//	go run -tags duckdb ./cmd/expect [-corpus ../planner/testdata/corpus] [-run regexp]
package main
