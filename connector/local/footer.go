package local

import (
	"os"
	"sync"
	"time"

	"github.com/apache/arrow/go/v15/parquet/metadata"
)

// footerCache keeps the parsed footers of the Parquet files a Warehouse has
// read, so that a query reads each footer once (planning prunes with it,
// then every partition of the file opens with it) and the next query not
// at all. An entry holds while the file keeps its size and modification
// time; a file rewritten in place is read again.
type footerCache struct {
	mu sync.Mutex
	m  map[string]cachedFooter
}

type cachedFooter struct {
	size int64
	mod  time.Time
	md   *metadata.FileMetaData
}

// maxCachedFooters bounds the cache; past it, an arbitrary entry makes way.
const maxCachedFooters = 4096

func newFooterCache() *footerCache {
	return &footerCache{m: make(map[string]cachedFooter)}
}

// get returns the cached footer of the file at path whose current state
// is fi, or nil. A nil cache holds nothing.
func (c *footerCache) get(path string, fi os.FileInfo) *metadata.FileMetaData {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[path]
	if !ok || e.size != fi.Size() || !e.mod.Equal(fi.ModTime()) {
		return nil
	}
	return e.md
}

// put caches md as the footer of the file at path whose state is fi.
func (c *footerCache) put(path string, fi os.FileInfo, md *metadata.FileMetaData) {
	if c == nil {
		return
	}
	// Settle what the footer computes when first asked, before readers
	// on several goroutines share it.
	md.WriterVersion()
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[path]; !ok && len(c.m) >= maxCachedFooters {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[path] = cachedFooter{size: fi.Size(), mod: fi.ModTime(), md: md}
}
