package engine

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func unionInputs(t *testing.T) (*arrow.Schema, []*source, [][]string) {
	mem := newMem(t)
	a := arrow.NewSchema([]arrow.Field{{Name: "a", Type: arrow.PrimitiveTypes.Int64}, {Name: "b", Type: arrow.BinaryTypes.String}}, nil)
	// Same types, other names and nullability.
	b := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64, Nullable: true}, {Name: "y", Type: arrow.BinaryTypes.String, Nullable: true}}, nil)
	mk := func(schema *arrow.Schema, rows [][]any, sizes ...int) *source {
		var recs []arrow.Record
		if len(rows) > 0 {
			recs = makeBatches(mem, schema, rows, sizes...)
		}
		t.Cleanup(func() { releaseAllRecs(recs) })
		return &source{schema: schema, recs: recs}
	}
	srcs := []*source{
		mk(a, nil),
		mk(a, [][]any{{int64(1), "one"}, {int64(2), "two"}, {int64(3), "three"}}, 2),
		mk(b, nil),
		mk(b, [][]any{{nil, "four"}, {int64(5), nil}}, 1),
		mk(a, nil),
	}
	want := [][]string{{"1", "one"}, {"2", "two"}, {"3", "three"}, {"NULL", "four"}, {"5", "NULL"}}
	return b, srcs, want
}

func TestUnionAll(t *testing.T) {
	out, srcs, want := unionInputs(t)
	inputs := make([]Operator, len(srcs))
	for i, s := range srcs {
		inputs[i] = s
	}
	u := &UnionAll{Inputs: inputs, Out: out}
	assert.Equal(t, want, collect(t, u, &Exec{}))
	for i, s := range srcs {
		assert.Equal(t, int32(1), s.opened.Load(), "input %d", i)
		assert.Equal(t, int32(1), s.closed.Load(), "input %d", i)
	}
	assert.Empty(t, collect(t, &UnionAll{Out: out}, &Exec{}))
}

func TestUnionAllOpensLazilyAndCloses(t *testing.T) {
	out, srcs, want := unionInputs(t)
	u := &UnionAll{Inputs: []Operator{srcs[1], srcs[3]}, Out: out}
	s, err := u.Open(context.Background(), &Exec{})
	require.NoError(t, err)
	rec, err := s.Next()
	require.NoError(t, err)
	assert.Equal(t, want[:2], rowStrings(rec))
	rec.Release()
	assert.Equal(t, int32(0), srcs[3].opened.Load(), "the second input waits for the first")
	require.NoError(t, s.Close())
	require.NoError(t, s.Close())
	assert.Equal(t, int32(1), srcs[1].closed.Load())
	assert.Equal(t, int32(0), srcs[3].opened.Load())
}

func TestUnionAllErrors(t *testing.T) {
	out, srcs, _ := unionInputs(t)
	other := arrow.NewSchema([]arrow.Field{{Name: "a", Type: arrow.PrimitiveTypes.Int32}, {Name: "b", Type: arrow.BinaryTypes.String}}, nil)
	_, err := (&UnionAll{Inputs: []Operator{srcs[1], &Values{Out: other}}, Out: out}).Open(context.Background(), &Exec{})
	assert.ErrorContains(t, err, "union input 2 column 1 is int32, not int64")
	narrow := arrow.NewSchema(other.Fields()[:1], nil)
	_, err = (&UnionAll{Inputs: []Operator{&Values{Out: narrow}}, Out: out}).Open(context.Background(), &Exec{})
	assert.ErrorContains(t, err, "has 1 columns, not 2")

	// An input that fails to open fails the union when its turn comes.
	bad := &source{schema: out, failOpen: true}
	s, err := (&UnionAll{Inputs: []Operator{srcs[3], bad}, Out: out}).Open(context.Background(), &Exec{})
	require.NoError(t, err)
	var n int
	for {
		rec, err := s.Next()
		if err != nil {
			assert.False(t, errors.Is(err, io.EOF))
			break
		}
		n += int(rec.NumRows())
		rec.Release()
	}
	assert.Equal(t, 2, n)
	require.NoError(t, s.Close())

	// Cancelling stops the union.
	opened := srcs[3].opened.Load()
	ctx, cancel := context.WithCancel(context.Background())
	srcs[1].cancel, srcs[1].cancelAfter = cancel, 1
	s, err = (&UnionAll{Inputs: []Operator{srcs[1], srcs[3]}, Out: out}).Open(ctx, &Exec{})
	require.NoError(t, err)
	rec, err := s.Next()
	require.NoError(t, err)
	rec.Release()
	_, err = s.Next()
	assert.ErrorIs(t, err, context.Canceled)
	require.NoError(t, s.Close())
	assert.Equal(t, opened, srcs[3].opened.Load())
}
