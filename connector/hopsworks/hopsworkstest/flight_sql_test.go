package hopsworkstest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRewriteDuckSQL(t *testing.T) {
	tables := map[string]bool{"fraud.transactions_1": true, "bank.customers_1": true}
	tests := []struct {
		name, in, want string
	}{
		{"Generation C select",
			`SELECT "fg0"."tx_id" "tx_id", "fg0"."amount" "amount" FROM "fraud.transactions_1" "fg0" WHERE "fg0"."amount" > 500 LIMIT 10`,
			"SELECT `fg0`.`tx_id` `tx_id`, `fg0`.`amount` `amount` FROM `fraud::transactions_1` `fg0` WHERE `fg0`.`amount` > 500 LIMIT 10"},
		{"join",
			`SELECT "fg1"."tx_id" "tx_id", "fg0"."name" "c_name"` + "\n" + `FROM "fraud.transactions_1" "fg1"` + "\n" +
				`INNER JOIN "bank.customers_1" "fg0" ON "fg1"."customer_id" = "fg0"."customer_id"`,
			"SELECT `fg1`.`tx_id` `tx_id`, `fg0`.`name` `c_name`\nFROM `fraud::transactions_1` `fg1`\n" +
				"INNER JOIN `bank::customers_1` `fg0` ON `fg1`.`customer_id` = `fg0`.`customer_id`"},
		{"table without alias, columns qualified by it",
			`SELECT "fraud.transactions_1"."tx_id" FROM "fraud.transactions_1" LIMIT 20`,
			"SELECT `fraud.transactions_1`.`tx_id` FROM `fraud::transactions_1` AS `fraud.transactions_1` LIMIT 20"},
		{"table followed by WHERE has no alias",
			`SELECT * FROM "fraud.transactions_1" WHERE "tx_id" = 1`,
			"SELECT * FROM `fraud::transactions_1` AS `fraud.transactions_1` WHERE `tx_id` = 1"},
		{"AS alias kept",
			`SELECT * FROM "fraud.transactions_1" AS t`,
			"SELECT * FROM `fraud::transactions_1` AS t"},
		{"string literals untouched",
			`SELECT * FROM "fraud.transactions_1" "fg0" WHERE "fg0"."currency" = 'say "fraud.transactions_1" or ''asof'''`,
			"SELECT * FROM `fraud::transactions_1` `fg0` WHERE `fg0`.`currency` = 'say \"fraud.transactions_1\" or ''asof'''"},
		{"escaped quotes and backquotes in identifiers",
			`SELECT "a""b" "x` + "`" + `y" FROM "fraud.transactions_1" "fg0"`,
			"SELECT `a\"b` `x``y` FROM `fraud::transactions_1` `fg0`"},
		{"table name case-insensitive",
			`SELECT * FROM "FRAUD.Transactions_1" "fg0"`,
			"SELECT * FROM `FRAUD::Transactions_1` `fg0`"},
		{"comments kept",
			"SELECT 1 -- \"not.a_table\"\nFROM \"fraud.transactions_1\" /* asof */ \"fg0\"",
			"SELECT 1 -- \"not.a_table\"\nFROM `fraud::transactions_1` /* asof */ `fg0`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := rewriteDuckSQL(tt.in, tables)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestRewriteDuckSQLErrors(t *testing.T) {
	tables := map[string]bool{"fraud.transactions_1": true}
	tests := []struct {
		name, in, want string
	}{
		{"ASOF join", `SELECT 1 FROM "fraud.transactions_1" "a" ASOF LEFT JOIN "fraud.transactions_1" "b" ON "a"."ts" >= "b"."ts"`, "ASOF joins are not supported"},
		{"lower-case asof", `select 1 from "fraud.transactions_1" a asof join "fraud.transactions_1" b on a.ts >= b.ts`, "ASOF"},
		{"table not registered", `SELECT * FROM "bank.customers_1" "fg0"`, "Table with name bank.customers_1 does not exist"},
		{"unterminated string", `SELECT 'abc FROM "fraud.transactions_1"`, "unterminated"},
		{"unterminated identifier", `SELECT "abc FROM x`, "unterminated"},
		{"unterminated comment", `SELECT 1 /* FROM x`, "unterminated comment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := rewriteDuckSQL(tt.in, tables)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
