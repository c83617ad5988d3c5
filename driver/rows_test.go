package driver

import (
	"context"
	"database/sql"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/hopsql/hopsql/connector/local/localtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestScanCustomers(t *testing.T) {
	db, _ := openDB(t)
	want := localtest.Index(localtest.ReadTable(t, warehouse, "bank", "customers_1"), "customer_id")
	rows, err := db.Query("SELECT customer_id, name, age, country, segment, signup_date, credit_limit FROM bank::customers_1 ORDER BY customer_id")
	require.NoError(t, err)
	defer rows.Close()
	n := 0
	for rows.Next() {
		var (
			id      int64
			name    string
			age     sql.NullInt64
			country sql.NullString
			segment string
			signup  time.Time
			limit   float64
		)
		require.NoError(t, rows.Scan(&id, &name, &age, &country, &segment, &signup, &limit))
		w := want[id]
		require.Len(t, w, 1, "customer %d", id)
		r := w[0]
		assert.Equal(t, r["name"], name)
		assert.Equal(t, r["age"] != nil, age.Valid)
		if age.Valid {
			assert.Equal(t, r["age"], age.Int64)
		}
		assert.Equal(t, r["country"] != nil, country.Valid)
		if country.Valid {
			assert.Equal(t, r["country"], country.String)
		}
		assert.Equal(t, r["segment"], segment)
		assert.Equal(t, r["signup_date"], signup)
		assert.Equal(t, time.UTC, signup.Location())
		assert.Equal(t, r["credit_limit"], limit)
		n++
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, len(want), n)
}

func TestScanTransactions(t *testing.T) {
	db, _ := openDB(t)
	want := localtest.Index(localtest.ReadTable(t, warehouse, "fraud", "transactions_1"), "tx_id")
	rows, err := db.Query("SELECT tx_id, customer_id, merchant_id, amount, currency, ts, is_fraud, ts FROM transactions_1 WHERE tx_id <= ?", 20000)
	require.NoError(t, err)
	defer rows.Close()

	types, err := rows.ColumnTypes()
	require.NoError(t, err)
	names := []string{"BIGINT", "BIGINT", "BIGINT", "DECIMAL", "STRING", "TIMESTAMP", "BOOLEAN", "TIMESTAMP"}
	for i, ct := range types {
		assert.Equal(t, names[i], ct.DatabaseTypeName(), ct.Name())
	}
	p, s, ok := types[3].DecimalSize()
	assert.True(t, ok)
	assert.Equal(t, [2]int64{12, 2}, [2]int64{p, s})
	_, _, ok = types[0].DecimalSize()
	assert.False(t, ok)
	l, ok := types[4].Length()
	assert.True(t, ok)
	assert.Equal(t, int64(math.MaxInt64), l)
	_, ok = types[0].Length()
	assert.False(t, ok)
	nullable, ok := types[2].Nullable()
	assert.True(t, ok)
	if nullable {
		assert.Equal(t, reflect.TypeFor[sql.NullInt64](), types[2].ScanType())
	} else {
		assert.Equal(t, reflect.TypeFor[int64](), types[2].ScanType())
	}

	n := 0
	for rows.Next() {
		var (
			id, customer int64
			merchant     sql.NullInt64
			amount       string
			currency     sql.NullString
			ts           time.Time
			fraud        sql.NullBool
			ts2          sql.NullTime
		)
		require.NoError(t, rows.Scan(&id, &customer, &merchant, &amount, &currency, &ts, &fraud, &ts2))
		r := want[id][0]
		assert.Equal(t, r["customer_id"], customer)
		assert.Equal(t, r["merchant_id"] != nil, merchant.Valid)
		if merchant.Valid {
			assert.Equal(t, r["merchant_id"], merchant.Int64)
		}
		assert.Equal(t, r["amount"], amount)
		assert.Equal(t, r["currency"], currency.String)
		assert.Equal(t, r["ts"], ts)
		assert.Equal(t, time.UTC, ts.Location())
		assert.Equal(t, r["is_fraud"], fraud.Bool)
		assert.True(t, ts2.Valid)
		assert.Equal(t, r["ts"], ts2.Time)
		n++
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, 20000, n)
}

func TestScanNullableFloat(t *testing.T) {
	db, _ := openDB(t)
	want := localtest.Index(localtest.ReadTable(t, warehouse, "bank", "merchants_1"), "merchant_id")
	rows, err := db.QueryContext(context.Background(), "SELECT merchant_id, risk_score, name FROM bank::merchants_1")
	require.NoError(t, err)
	defer rows.Close()
	nulls, n := 0, 0
	for rows.Next() {
		var id int64
		var risk sql.NullFloat64
		var name any
		require.NoError(t, rows.Scan(&id, &risk, &name))
		r := want[id][0]
		if r["risk_score"] == nil {
			assert.False(t, risk.Valid)
			nulls++
		} else {
			assert.Equal(t, r["risk_score"], risk.Float64)
		}
		assert.Equal(t, r["name"], name)
		n++
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, len(want), n)
	assert.Positive(t, nulls)
}
