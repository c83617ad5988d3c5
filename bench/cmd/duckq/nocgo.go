//go:build !duckdb

package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "duckq needs DuckDB: go run -tags duckdb ./cmd/duckq")
	os.Exit(2)
}
