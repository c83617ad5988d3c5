//go:build !duckdb

package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "report needs DuckDB: go run -tags duckdb ./cmd/report")
	os.Exit(2)
}
