package hopsworks

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/arrow/util"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector"
	"github.com/hopsql/hopsql/connector/hopsworks/hopsworkstest"
	"github.com/hopsql/hopsql/connector/local/localtest"
)

// The join tests' cases and their oracle: joins computed in Go from the
// demo warehouse's Parquet files, read by package localtest.

// joinInput is one input of a join test: a feature group of the demo
// store, the columns read, the filter sent and the same filter as the
// oracle applies it.
type joinInput struct {
	project, name string
	columns       []string
	filter        []connector.Predicate
	keep          func(localtest.Row) bool
}

// joinStep is one join of a join test, its keys pairs of (root feature,
// joined feature): the query model keys every join on the root.
type joinStep struct {
	typ  connector.JoinType
	keys [][2]string
}

// joinCase is a join test.
type joinCase struct {
	name   string
	inputs []joinInput
	steps  []joinStep
	empty  bool // whether the result is empty
}

// request builds the case's request over the feature groups c lists.
func (jc joinCase) request(t *testing.T, c *Client) connector.JoinRequest {
	t.Helper()
	var req connector.JoinRequest
	for _, in := range jc.inputs {
		req.Inputs = append(req.Inputs, connector.JoinInput{
			FeatureGroup: featureGroup(t, c, in.project, in.name, 1),
			Columns:      in.columns,
			Filter:       in.filter,
		})
	}
	for _, st := range jc.steps {
		step := connector.JoinStep{Type: st.typ}
		for _, k := range st.keys {
			step.Keys = append(step.Keys, connector.JoinKey{Left: 0, LeftFeature: k[0], RightFeature: k[1]})
		}
		req.Steps = append(req.Steps, step)
	}
	return req
}

// oracle joins the case's tables read by localtest, left-deep with SQL's
// semantics: a key that is NULL matches nothing, outer joins pad the
// other side with NULLs. The rows are the inputs' columns as text.
func (jc joinCase) oracle(t *testing.T) [][]string {
	t.Helper()
	tables := make([][]localtest.Row, len(jc.inputs))
	for i, in := range jc.inputs {
		for _, r := range warehouse.rows(t, in.project, in.name+"_1") {
			if in.keep == nil || in.keep(r) {
				tables[i] = append(tables[i], r)
			}
		}
	}
	// A combination holds a row (nil: padding) per input joined so far.
	var combos [][]localtest.Row
	for _, r := range tables[0] {
		combos = append(combos, []localtest.Row{r})
	}
	for i, st := range jc.steps {
		right := tables[i+1]
		matches := func(root, r localtest.Row) bool {
			for _, k := range st.keys {
				if root == nil || root[k[0]] == nil || r[k[1]] == nil || root[k[0]] != r[k[1]] {
					return false
				}
			}
			return true
		}
		byKey := make(map[string][]int) // right rows by their key text
		for j, r := range right {
			byKey[keyText(r, st.keys, 1)] = append(byKey[keyText(r, st.keys, 1)], j)
		}
		used := make([]bool, len(right))
		var next [][]localtest.Row
		for _, combo := range combos {
			matched := false
			for _, j := range byKey[keyText(combo[0], st.keys, 0)] {
				if matches(combo[0], right[j]) {
					matched, used[j] = true, true
					next = append(next, append(append([]localtest.Row(nil), combo...), right[j]))
				}
			}
			if !matched && (st.typ == connector.LeftJoin || st.typ == connector.FullJoin) {
				next = append(next, append(append([]localtest.Row(nil), combo...), nil))
			}
		}
		if st.typ == connector.RightJoin || st.typ == connector.FullJoin {
			for j, r := range right {
				if !used[j] {
					next = append(next, append(make([]localtest.Row, i+1), r))
				}
			}
		}
		combos = next
	}
	var out [][]string
	for _, combo := range combos {
		var row []string
		for i, in := range jc.inputs {
			for _, col := range in.columns {
				var v any
				if combo[i] != nil {
					v = combo[i][col]
				}
				row = append(row, localtest.Text(v))
			}
		}
		out = append(out, row)
	}
	return out
}

// keyText renders the side (0 root, 1 joined) of the keys of r as text,
// to bucket rows; "" for none.
func keyText(r localtest.Row, keys [][2]string, side int) string {
	if r == nil {
		return ""
	}
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = localtest.Text(r[k[side]])
	}
	return strings.Join(parts, "\x00")
}

// readJoin reads every partition of s with a checked allocator and
// returns the rows as text and the size of their Arrow buffers.
func readJoin(t *testing.T, s connector.Scan) (rows [][]string, size int64) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	for _, p := range s.Partitions() {
		rr, err := p.Open(context.Background(), mem)
		require.NoError(t, err)
		require.True(t, rr.Schema().Equal(s.Schema()), "reader schema %s, scan schema %s", rr.Schema(), s.Schema())
		for rr.Next() {
			rec := rr.Record()
			size += util.TotalRecordSize(rec)
			for i := 0; i < int(rec.NumRows()); i++ {
				row := make([]string, rec.NumCols())
				for c := range row {
					row[c] = localtest.Text(localtest.Value(rec.Column(c), i))
				}
				rows = append(rows, row)
			}
		}
		require.NoError(t, rr.Err())
		rr.Release()
	}
	return rows, size
}

// queryBodies returns the query models the server's query constructor
// received, decoded.
func queryBodies(t *testing.T, srv *hopsworkstest.Server) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, r := range srv.Faults().Requests() {
		if r.Method == "PUT" && strings.HasSuffix(r.Path, "/featurestores/query") {
			var body map[string]any
			require.NoError(t, json.Unmarshal([]byte(r.Body), &body), "query model %s", r.Body)
			out = append(out, body)
		}
	}
	return out
}
