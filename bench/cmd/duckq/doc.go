// Command duckq runs one query in DuckDB, the reference engine, over an
// embedded store and prints the answer in the canonical text form of the
// *.expected files. It helps to write corpus queries: the SQL is hopsql's,
// with its names translated, unless -raw is given.
//
// Usage, from bench/:
//
//	go run -tags duckdb ./cmd/duckq -store DIR [-project fraud] [-raw] 'SELECT ...'
package main
