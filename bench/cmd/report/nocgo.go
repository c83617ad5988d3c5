//go:build !duckdb || !duckdb_arrow

package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "report needs DuckDB and its Arrow interface: go run -tags duckdb,duckdb_arrow ./cmd/report")
	os.Exit(2)
}
