//go:build !duckdb

package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "tpchanswers needs DuckDB: go run -tags duckdb ./cmd/tpchanswers")
	os.Exit(2)
}
