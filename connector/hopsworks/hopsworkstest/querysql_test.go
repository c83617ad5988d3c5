package hopsworkstest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestFilterRendering renders the filter trees of the backend's unit test
// TestFilterController (the cases without default values) and compares
// with the strings it expects.
func TestFilterRendering(t *testing.T) {
	fg1pk := &qfeature{name: "fg1_pk", typ: "string", alias: "fg1"}
	fg2ft := &qfeature{name: "fg2_ft", typ: "double", alias: "fg2"}
	fg3pk := &qfeature{name: "fg3_pk", typ: "string", alias: "fg3"}
	lit := func(f *qfeature, cond, v string) *rfilter {
		return &rfilter{feature: f, cond: cond, value: filterValue{kind: valueLiteral, text: v}}
	}
	tests := []struct {
		name  string
		logic *rlogic
		want  string
	}{
		{"testGenerateFilterLogicNodeSingle", &rlogic{typ: "SINGLE", leftF: lit(fg1pk, "EQUALS", "abc")},
			"`fg1`.`fg1_pk` = 'abc'"},
		{"testGenerateFilterLogicNodeCase2", &rlogic{typ: "AND", leftF: lit(fg1pk, "EQUALS", "abc"),
			rightL: &rlogic{typ: "OR", leftF: lit(fg3pk, "NOT_EQUALS", "abc"), rightF: lit(fg2ft, "LESS_THAN_OR_EQUAL", "10")}},
			"`fg1`.`fg1_pk` = 'abc' AND (`fg3`.`fg3_pk` <> 'abc' OR `fg2`.`fg2_ft` <= 10)"},
		{"testGenerateFilterLogicNodeCase3", &rlogic{typ: "OR",
			leftL:  &rlogic{typ: "AND", leftF: lit(fg1pk, "EQUALS", "abc"), rightF: lit(fg3pk, "NOT_EQUALS", "abc")},
			rightF: lit(fg2ft, "LESS_THAN_OR_EQUAL", "10")},
			"`fg1`.`fg1_pk` = 'abc' AND `fg3`.`fg3_pk` <> 'abc' OR `fg2`.`fg2_ft` <= 10"},
		{"testGenerateFilterNodeOnline", &rlogic{typ: "SINGLE", leftF: lit(fg2ft, "EQUALS", "1")},
			"`fg2`.`fg2_ft` = 1"},
		{"testGenerateFilterNodeStringType", &rlogic{typ: "SINGLE", leftF: lit(fg1pk, "NOT_EQUALS", "abc")},
			"`fg1`.`fg1_pk` <> 'abc'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			logicNode(tt.logic, quoteBacktick).unparse(&b, 0, 0)
			assert.Equal(t, tt.want, b.String())
		})
	}
}

func TestLiteral(t *testing.T) {
	tests := []struct{ typ, text, want string }{
		{"string", "it's", "'it''s'"},
		{"STRING", "x", "'x'"},
		{"date", "2024-02-29", "DATE '2024-02-29'"},
		{"timestamp", "2024-02-29 23:59:59", "TIMESTAMP '2024-02-29 23:59:59.000'"},
		{"timestamp", "2024-02-29 23:59:59.1", "TIMESTAMP '2024-02-29 23:59:59.100'"},
		{"timestamp", "2024-02-29 23:59:59.123999", "TIMESTAMP '2024-02-29 23:59:59.123'"},
		{"int", "42", "42"},
		{"decimal(12,2)", "1.50", "1.50"},
		{"boolean", "True", "True"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, literal(tt.typ, tt.text), "%s %q", tt.typ, tt.text)
	}
}

// TestLookupOrder checks the emulation of the iteration order of Java's
// HashMap<Integer, …>: buckets (h ^ h>>>16) & (n-1) ascending, insertion
// order within a bucket, table size 16 doubling past 3/4 full.
func TestLookupOrder(t *testing.T) {
	tests := []struct {
		name     string
		inserted []int
		want     []int
	}{
		{"ascending small ids", []int{3, 1, 2}, []int{1, 2, 3}},
		{"buckets, not values", []int{1007, 1008}, []int{1008, 1007}},             // buckets 15, 0
		{"same bucket keeps insertion order", []int{33, 17, 1}, []int{33, 17, 1}}, // all bucket 1
		{"high bits fold in", []int{1 << 16, 2}, []int{1 << 16, 2}},               // (1<<16) hashes to bucket 1
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &resolver{order: tt.inserted}
			assert.Equal(t, tt.want, r.lookupOrder())
		})
	}
	t.Run("table grows past 12 entries", func(t *testing.T) {
		var ids []int
		for i := 0; i < 13; i++ {
			ids = append(ids, 16+i*16) // all bucket 0 of 16; buckets 16 and 0 of 32 alternate
		}
		got := (&resolver{order: ids}).lookupOrder()
		var want []int
		for _, id := range ids {
			if id&31 == 0 {
				want = append(want, id)
			}
		}
		for _, id := range ids {
			if id&31 == 16 {
				want = append(want, id)
			}
		}
		assert.Equal(t, want, got)
	})
}
