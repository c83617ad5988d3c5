package catalog

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"abc", "", 3},
		{"", "abc", 3},
		{"abc", "abc", 0},
		{"transaction_1", "transactions_1", 1}, // insertion
		{"customers_1", "customers_2", 1},      // substitution
		{"bnak", "bank", 1},                    // transposition
		{"ca", "abc", 3},                       // optimal string alignment, not full Damerau (2)
		{"kitten", "sitting", 3},
		{"café", "cafe", 1}, // runes, not bytes
	}
	for _, tt := range tests {
		t.Run(tt.a+"/"+tt.b, func(t *testing.T) {
			assert.Equal(t, tt.want, distance([]rune(tt.a), []rune(tt.b), 100))
			assert.Equal(t, tt.want, distance([]rune(tt.b), []rune(tt.a), 100), "symmetric")
		})
	}
	assert.Equal(t, 3, distance([]rune("a"), []rune("abcdef"), 2), "length difference over the limit")
}

func TestSuggest(t *testing.T) {
	tests := []struct {
		name       string
		candidates []string
		want       []string
	}{
		{"transaction_1", []string{"customers_1", "transactions_1"}, []string{"transactions_1"}},
		{"amount", nil, nil},
		{"amount", []string{"currency"}, nil},
		// Short names allow one edit.
		{"ab", []string{"a", "abc", "xy", "ba"}, []string{"a", "abc", "ba"}},
		{"abcde", []string{"abxye"}, nil},
		// Six characters allow two.
		{"abcdef", []string{"abxyef"}, []string{"abxyef"}},
		// Closest first, then in the candidates' order; at most three; no duplicates.
		{"custome", []string{"customers", "costume", "customer", "customer", "custom", "customs"}, []string{"customer", "custom", "customs"}},
		{"custome", []string{"customers", "costume"}, []string{"customers", "costume"}},
		{"x", []string{"x"}, []string{"x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Suggest(tt.name, tt.candidates))
		})
	}
}
