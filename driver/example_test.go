package driver_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"os"

	"github.com/hopsql/hopsql/connector/local/demo"
	"github.com/hopsql/hopsql/driver"
)

// demoStore generates the demo store into a temporary directory and
// returns its DSN; sql.Open("hopsql", "demo:") does the same into the user
// cache directory.
func demoStore() (dsn string, cleanup func()) {
	dir, err := os.MkdirTemp("", "hopsql-example-*")
	if err != nil {
		log.Fatal(err)
	}
	if err := demo.Generate(context.Background(), dir, 1); err != nil {
		log.Fatal(err)
	}
	cfg := &driver.Config{Warehouse: dir, Project: "fraud"}
	return cfg.FormatDSN(), func() { os.RemoveAll(dir) }
}

// Open the demo store and run a parameterised query.
func Example() {
	dsn, cleanup := demoStore()
	defer cleanup()

	db, err := sql.Open("hopsql", dsn)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	rows, err := db.Query(`SELECT tx_id, amount, currency FROM transactions_1 WHERE tx_id IN (?, ?, ?) ORDER BY tx_id`, 1, 2, 3)
	if err != nil {
		log.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var amount, currency string
		if err := rows.Scan(&id, &amount, &currency); err != nil {
			log.Fatal(err)
		}
		fmt.Println(id, amount, currency)
	}
	if err := rows.Err(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// 1 26.52 EUR
	// 2 128.58 EUR
	// 3 96.45 SEK
}

func ExampleQueryArrow() {
	dsn, cleanup := demoStore()
	defer cleanup()
	db, err := sql.Open("hopsql", dsn)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()

	rr, err := driver.QueryArrow(ctx, conn, `SELECT customer_id, name FROM bank::customers_1 WHERE customer_id <= ? ORDER BY customer_id`, 3)
	if err != nil {
		log.Fatal(err)
	}
	defer rr.Release()                       // stops the query if it has not ended
	for _, f := range rr.Schema().Fields() { // known before the first batch
		fmt.Println(f.Name, f.Type)
	}
	for rr.Next() {
		rec := rr.Record() // valid until the next call to Next
		fmt.Println(rec.NumRows(), "rows:", rec.Column(1))
	}
	if err := rr.Err(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// customer_id int64
	// name utf8
	// 3 rows: ["Chloé López" "Camille Laurent" "Erik Johansen"]
}
