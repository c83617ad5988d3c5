package querytext

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestToDuckDB(t *testing.T) {
	tests := []struct{ in, want string }{
		{"SELECT * FROM bank::customers_1 c", "SELECT * FROM bank.customers_1 c"},
		{"SELECT * FROM `bank::Customers_1`", `SELECT * FROM "bank"."customers_1"`},
		{"SELECT * FROM `bank_featurestore`.`customers_1`", `SELECT * FROM "bank_featurestore"."customers_1"`},
		{"SELECT 'a::b', \"it's\" FROM t", "SELECT 'a::b', 'it''s' FROM t"},
		{"SELECT 'x''y' -- bank::c\nFROM t # c::d\n", "SELECT 'x''y' -- bank::c\nFROM t -- c::d\n"},
		{"SELECT /* a::b */ 1", "SELECT /* a::b */ 1"},
		{"SELECT `a``b` FROM t", `SELECT "a` + "`" + `b" FROM t`},
	}
	for _, tc := range tests {
		got, err := ToDuckDB(tc.in)
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
	for _, bad := range []string{"SELECT 'open", "SELECT `open", "SELECT /* open"} {
		_, err := ToDuckDB(bad)
		assert.Error(t, err, bad)
	}
}
