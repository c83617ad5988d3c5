// Command tpchanswers writes the expected answers of the 22 TPC-H queries
// with DuckDB, the reference engine: it runs planner/testdata/tpch/qNN.sql
// over the Parquet files of the TPC-H store tpchgen writes (generating it
// first if needed) and writes qNN.expected next to each query, in the
// canonical text form of package plantest.
//
// Usage, from bench/:
//
//	go run -tags duckdb ./cmd/tpchanswers [-sf 1] [-dir data/tpch-sf1] [-queries ../planner/testdata/tpch]
package main
