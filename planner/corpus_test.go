package planner

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/engine"
	"github.com/hopsql/hopsql/planner/plantest"
)

// corpusTimeout bounds one corpus query, so that a plan gone quadratic
// fails its subtest instead of the whole run.
const corpusTimeout = 2 * time.Minute

// TestCorpus runs the differential corpus: queries over the demo store
// whose answers DuckDB 1.5.5 wrote (bench/cmd/expect), never hopsql. See
// testdata/corpus/README.md for the file formats, and package plantest
// (shared with the bench module) for the rules by which values compare.
func TestCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "corpus")
	files, err := filepath.Glob(filepath.Join(dir, "*.sql"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	pending := corpusPending(t, filepath.Join(dir, "PENDING"))
	names := map[string]bool{}
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".sql")
		names[name] = true
		t.Run(name, func(t *testing.T) {
			text, err := os.ReadFile(path)
			require.NoError(t, err)
			q, err := plantest.ParseQuery(string(text))
			require.NoError(t, err)
			want := corpusReadExpected(t, filepath.Join(dir, name+".expected"))
			got, runErr := corpusRun(t, newPlanner(t, q.Project), q.SQL)
			corpusJudge(t, q, want, got, runErr, pending[name])
		})
	}
	for name := range pending {
		if !names[name] {
			t.Errorf("PENDING lists %s, which is not in the corpus", name)
		}
	}
}

// corpusJudge fails t unless got matches want, or the query is pending and
// failed with an error.
func corpusJudge(t *testing.T, q *plantest.Query, want, got *plantest.Result, runErr error, pendingReason string) {
	t.Helper()
	var panicked *corpusPanic
	if errors.As(runErr, &panicked) {
		t.Fatalf("%v\nquery:\n%s", runErr, q.SQL)
	}
	if pendingReason != "" {
		if runErr != nil {
			t.Logf("pending (%s): %v", pendingReason, runErr)
			return
		}
		if diff := plantest.Compare(want, got, q.Ordered); diff != nil {
			// A wrong answer is never acceptable, pending or not.
			t.Fatalf("pending query ran without error but answered wrongly: %v\nquery:\n%s", diff, q.SQL)
		}
		t.Fatalf("this query now passes: remove %s from PENDING", t.Name()[strings.LastIndexByte(t.Name(), '/')+1:])
	}
	if runErr != nil {
		t.Fatalf("%v\nquery:\n%s\n(if hopsql cannot run this yet, list it in PENDING)", runErr, q.SQL)
	}
	if diff := plantest.Compare(want, got, q.Ordered); diff != nil {
		t.Fatalf("%v\nquery:\n%s", diff, q.SQL)
	}
}

// corpusPending reads a PENDING file: lines "NNN_topic: reason"; blank
// lines and lines starting with # are ignored.
func corpusPending(t *testing.T, path string) map[string]string {
	t.Helper()
	pending := map[string]string{}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return pending
	}
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, reason, ok := strings.Cut(line, ":")
		require.True(t, ok, "%s:%d: want \"NNN_topic: reason\"", path, n)
		reason = strings.TrimSpace(reason)
		require.NotEmpty(t, reason, "%s:%d: say why %s is pending", path, n, name)
		pending[strings.TrimSpace(name)] = reason
	}
	require.NoError(t, sc.Err())
	return pending
}

// corpusPanic is a panic met while planning or running a query.
type corpusPanic struct {
	val   any
	stack []byte
}

func (p *corpusPanic) Error() string { return fmt.Sprintf("panic: %v\n%s", p.val, p.stack) }

// corpusRun plans and runs sql under a checked allocator and returns its
// result in canonical form, or the error planning or running met. A panic
// is returned as a *corpusPanic.
func corpusRun(t *testing.T, p *Planner, sql string) (res *plantest.Result, err error) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	defer func() {
		if v := recover(); v != nil {
			res, err = nil, &corpusPanic{val: v, stack: debug.Stack()}
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), corpusTimeout)
	defer cancel()
	plan, err := p.Plan(ctx, sql)
	if err != nil {
		return nil, fmt.Errorf("planning: %w", err)
	}
	rr, err := plan.Run(ctx, &engine.Exec{Mem: mem, Parallelism: 2})
	if err != nil {
		return nil, fmt.Errorf("running: %w", err)
	}
	defer rr.Release()
	res, err = plantest.FromArrow(rr)
	if err != nil {
		return nil, fmt.Errorf("running: %w", err)
	}
	return res, nil
}

// corpusReadExpected reads an answer file written by bench/cmd/expect or
// bench/cmd/tpchanswers.
func corpusReadExpected(t *testing.T, path string) *plantest.Result {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err, "no expected result: run bench/cmd/expect (see bench/README.md)")
	defer f.Close()
	res, err := plantest.Read(f)
	require.NoError(t, err, path)
	return res
}
