package catalog_test

import (
	"fmt"

	"github.com/hopsql/hopsql/catalog"
)

func ExampleParseName() {
	for _, ref := range [][2]string{
		{"", "transactions_1"},
		{"", "Bank::customers"},
		{"bank_featurestore", "customers_1"},
		{"", "bank::fraud::x"},
	} {
		n, err := catalog.ParseName(ref[0], ref[1])
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("project %q table %q\n", n.Project, n.Table)
	}
	// Output:
	// project "" table "transactions_1"
	// project "bank" table "customers"
	// project "bank" table "customers_1"
	// invalid table name "bank::fraud::x": more than one "::"
}

func ExampleSuggest() {
	fmt.Println(catalog.Suggest("ammount", []string{"tx_id", "amount", "currency", "amounts"}))
	// Output:
	// [amount amounts]
}
