// Command report is hopsql's one-command benchmark: it runs TPC-H and the
// feature-store workload in hopsql (through the driver's Arrow API) and in
// DuckDB (through its Arrow interface) over the same Parquet files,
// alternating, with the same number of threads, timing each from the start
// of the query to its last batch; compares every answer (internal/answer); measures streaming memory and time to the
// first row in fresh processes and the driver's decoding rate; and writes
// a Markdown report and a JSON file next to it. It exits with status 1 if
// any answer differed from DuckDB's or any query failed.
//
// Usage, from bench/:
//
//	go run -tags duckdb,duckdb_arrow ./cmd/report [-sf 1] [-scale 10] [-runs 5] [-threads 2] [-out RESULTS.md]
//
// The build tag duckdb_arrow enables duckdb-go's Arrow interface. Generated
// data is cached in data/tpch-sf<sf> and data/demo-scale<N>.
package main
