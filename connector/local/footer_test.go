package local

import (
	"fmt"
	"os"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet/metadata"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
	"github.com/hopsql/hopsql/connector"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFooterCacheFollowsRewrites checks that a scan planned after a file
// was rewritten reads the new file, not the footer cached for the old one,
// and that a file read twice unchanged is answered from the cache.
func TestFooterCacheFollowsRewrites(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	fx := makeFeatureGroup(t, "id bigint", "name string")
	path := fx.path("part-0.parquet")
	read := func() string {
		s := fx.plan(t, connector.ScanRequest{Columns: []string{"id", "name"}})
		rec := readTable(t, s, mem)
		defer rec.Release()
		return jsonValues(t, rec.Column(0)) + " " + jsonValues(t, rec.Column(1))
	}

	writeParquet(t, path, fx.fg.Schema(), `[{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]`, parquetOptions{})
	assert.Equal(t, `[1,2] ["a","b"]`, read())
	require.Len(t, fx.w.footers.m, 1)
	cached := fx.w.footers.m[path].md
	assert.Equal(t, `[1,2] ["a","b"]`, read())
	assert.Same(t, cached, fx.w.footers.m[path].md, "an unchanged file keeps its cached footer")

	// Three rows in two row groups: another size, another footer.
	writeParquet(t, path, fx.fg.Schema(), `[{"id": 3, "name": "c"}, {"id": 4, "name": "dd"}, {"id": 5, "name": null}]`, parquetOptions{rowGroup: 2})
	assert.Equal(t, `[3,4,5] ["c","dd",null]`, read())
	assert.NotSame(t, cached, fx.w.footers.m[path].md)
}

// TestFooterCacheBudget checks that the cache keeps its estimate of parsed
// footers within its budget, making way for new entries and leaving out a
// footer larger than the whole budget.
func TestFooterCacheBudget(t *testing.T) {
	fx := makeFeatureGroup(t, "id bigint", "name string")
	var paths []string
	for i := range 3 {
		p := fx.path(fmt.Sprintf("part-%d.parquet", i))
		writeParquet(t, p, fx.fg.Schema(), `[{"id": 1, "name": "a"}]`, parquetOptions{})
		paths = append(paths, p)
	}
	footer := func(p string) (os.FileInfo, *metadata.FileMetaData) {
		pf, _, err := openParquet(p, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator, nil)
		require.NoError(t, err)
		defer pf.Close()
		fi, err := os.Stat(p)
		require.NoError(t, err)
		return fi, pf.MetaData()
	}
	fi, md := footer(paths[0])
	cost := int64(md.Size()) * parsedFooterFactor

	c := newFooterCache(2 * cost)
	for _, p := range paths {
		fi, md := footer(p)
		c.put(p, fi, md)
		assert.Same(t, md, c.get(p, fi), "the newest footer is kept")
		assert.LessOrEqual(t, c.used, c.budget)
	}
	assert.Len(t, c.m, 2, "two footers fit the budget")

	small := newFooterCache(cost - 1)
	small.put(paths[0], fi, md)
	assert.Nil(t, small.get(paths[0], fi), "a footer past the whole budget is not kept")
	assert.Zero(t, small.used)
}
