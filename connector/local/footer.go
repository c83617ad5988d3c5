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
//
// A parsed footer takes about forty times its size in the file (Arrow's
// Thrift structures: the demo's 10M transactions have 640 row groups, a
// 443 KiB footer, 18 MiB parsed), so the cache holds at most budget bytes
// by that reckoning: memory stays flat however large the data grows, and
// footers past the budget are read again each time.
type footerCache struct {
	mu     sync.Mutex
	m      map[string]cachedFooter
	budget int64 // bytes the parsed footers may take
	used   int64
}

type cachedFooter struct {
	size int64
	mod  time.Time
	md   *metadata.FileMetaData
	cost int64 // parsed bytes, estimated
}

// footerCacheBudget is a Warehouse's budget for parsed footers.
const footerCacheBudget = 4 << 20

// parsedFooterFactor estimates a parsed footer's bytes from its size in
// the file.
const parsedFooterFactor = 40

func newFooterCache(budget int64) *footerCache {
	return &footerCache{m: make(map[string]cachedFooter), budget: budget}
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
	cost := int64(md.Size()) * parsedFooterFactor
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[path]; ok {
		c.used -= old.cost
		delete(c.m, path)
	}
	if cost > c.budget {
		return
	}
	// Arbitrary entries make way.
	for k, e := range c.m {
		if c.used+cost <= c.budget {
			break
		}
		c.used -= e.cost
		delete(c.m, k)
	}
	c.m[path] = cachedFooter{size: fi.Size(), mod: fi.ModTime(), md: md, cost: cost}
	c.used += cost
}
