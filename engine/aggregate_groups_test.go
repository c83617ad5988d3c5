package engine

import (
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGroupTables checks every table against the oracle's grouping: rows
// with equal keys, and only those, share a group, and each group's key
// comes back from build. The collide variants hash every row alike, so
// that all rows of the general table go through comparison and resolve.
func TestGroupTables(t *testing.T) {
	cases := []struct {
		keys    []string
		collide bool
	}{
		{[]string{"i8"}, false}, {[]string{"i64"}, false}, {[]string{"d"}, false}, {[]string{"ts"}, false},
		{[]string{"s"}, false}, {[]string{"bin"}, false}, {[]string{"f64"}, false}, {[]string{"b"}, false},
		{[]string{"dec"}, false}, {[]string{"i32", "s"}, false},
		{[]string{"f64"}, true}, {[]string{"b", "i16"}, true}, {[]string{"s", "dec"}, true},
		{[]string{"f32", "bin", "b", "i8", "d"}, true},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s/collide=%v", strings.Join(tc.keys, ","), tc.collide), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			r := rand.New(rand.NewPCG(7, uint64(len(tc.keys))))
			d := genAggData(r, aggColumns(30), 1200, 0.15)
			recs := d.batches(mem, r, 300)
			defer releaseRecords(recs)
			keys := columnIndexes(d.schema, tc.keys...)
			types := make([]arrow.DataType, len(keys))
			for i, k := range keys {
				types[i] = d.schema.Field(k).Type
			}
			table, err := newGroupTable(types, maphash.MakeSeed())
			require.NoError(t, err)
			if tc.collide {
				rt, ok := table.(*rowTable)
				if !ok {
					rt = newRowTable(types, maphash.MakeSeed())
					table = rt
				}
				rt.hash = func(_ maphash.Seed, _ arrow.Array, hashes, _ []uint64) error {
					clear(hashes)
					return nil
				}
			}
			var ids []int32
			for _, rec := range recs {
				cols := make([]arrow.Array, len(keys))
				for i, k := range keys {
					cols[i] = rec.Column(k)
				}
				batch := make([]int32, rec.NumRows())
				require.NoError(t, table.find(cols, batch))
				ids = append(ids, batch...)
			}
			// Equal keys, equal groups; different keys, different groups.
			groupOf := map[string]int32{}
			keyOf := map[int32]string{}
			for row, g := range ids {
				parts := make([]string, len(keys))
				for i, k := range keys {
					parts[i] = canon(d.values[k][row])
				}
				key := strings.Join(parts, "|")
				if want, ok := groupOf[key]; ok {
					require.Equal(t, want, g, "row %d key %s", row, key)
				} else {
					require.NotContains(t, keyOf, g, "row %d key %s", row, key)
					groupOf[key], keyOf[g] = g, key
				}
			}
			require.Equal(t, len(groupOf), table.len())
			if !tc.collide {
				// Groups are numbered in order of first appearance.
				next := int32(0)
				for _, g := range ids {
					require.LessOrEqual(t, g, next)
					if g == next {
						next++
					}
				}
			}
			// build returns each group's key.
			cols, err := table.build(mem)
			require.NoError(t, err)
			defer func() {
				for _, c := range cols {
					c.Release()
				}
			}()
			for g, key := range keyOf {
				parts := make([]string, len(cols))
				for i, c := range cols {
					require.Equal(t, table.len(), c.Len())
					require.True(t, arrow.TypeEqual(types[i], c.DataType()))
					parts[i] = canon(cellValue(c, int(g)))
				}
				assert.Equal(t, key, strings.Join(parts, "|"), "group %d", g)
			}
		})
	}
}
