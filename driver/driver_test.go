package driver

import (
	"context"
	"database/sql"
	"os"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/hopsql/hopsql/connector/local/demo"
	"github.com/stretchr/testify/require"
)

// warehouse is the demo store (scale 1) the tests read, generated once by
// TestMain.
var warehouse string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "hopsql-driver-test-*")
	if err != nil {
		panic(err)
	}
	if err := demo.Generate(context.Background(), dir, 1); err != nil {
		os.RemoveAll(dir)
		panic(err)
	}
	warehouse = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// openDB opens the test store for project fraud with a checked allocator,
// which the test's cleanup checks after the database is closed.
func openDB(t testing.TB) (*sql.DB, *memory.CheckedAllocator) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	c, err := NewConnector(&Config{Warehouse: warehouse, Project: "fraud", Mem: mem})
	require.NoError(t, err)
	db := sql.OpenDB(c)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	return db, mem
}
