//go:build !duckdb

package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "expect needs DuckDB: go run -tags duckdb ./cmd/expect")
	os.Exit(2)
}
