package tpch

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector/local"
)

// The planner's TPC-H tests build empty feature groups from a copy of the
// schema; it must be the one the generator writes.
func TestPlannerSchemaCopyIsCurrent(t *testing.T) {
	b, err := os.ReadFile("../../../planner/testdata/tpch/schema.json")
	require.NoError(t, err)
	var got []local.FeatureGroupFile
	require.NoError(t, json.Unmarshal(b, &got))
	assert.Equal(t, FeatureGroups(), got, "run: go run ./cmd/tpchgen -schema ../planner/testdata/tpch/schema.json")
}

func TestFeatureGroupsCoverTables(t *testing.T) {
	fgs := FeatureGroups()
	require.Len(t, fgs, len(Tables))
	for i, fg := range fgs {
		assert.Equal(t, Tables[i], fg.Name)
		assert.Equal(t, 1, fg.Version)
	}
}

func TestDate(t *testing.T) {
	tests := []struct {
		in   string
		want int32
	}{
		{"1970-01-01", 0},
		{"1992-01-01", 8035},
		{"1998-12-01", 10561},
		{"2000-02-29", 11016},
		{"1969-12-31", -1},
	}
	for _, tc := range tests {
		got, err := date(tc.in)
		require.NoError(t, err, tc.in)
		assert.EqualValues(t, tc.want, got, tc.in)
	}
	for _, bad := range []string{"", "1992-1-01", "1992-13-01", "19a2-01-01", "1992/01/01"} {
		_, err := date(bad)
		assert.Error(t, err, bad)
	}
}
