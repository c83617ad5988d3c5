package main

import (
	"context"
	"fmt"
	"io"

	"github.com/hopsql/hopsql/catalog"
	"github.com/hopsql/hopsql/connector/local"
	"github.com/hopsql/hopsql/engine"
	"github.com/hopsql/hopsql/planner"
)

// session is a connection to one project of an embedded store.
type session struct {
	planner *planner.Planner
}

func openSession(ctx context.Context, dir, project string) (*session, error) {
	wh, err := local.Open(dir)
	if err != nil {
		return nil, err
	}
	cat, err := catalog.New(ctx, wh, project)
	if err != nil {
		return nil, err
	}
	return &session{planner: planner.New(cat)}, nil
}

// exec runs every statement of script, printing each result.
func (s *session) exec(ctx context.Context, script string, w io.Writer, tw tableWriter) error {
	stmts, err := planner.SplitStatements(script)
	if err != nil {
		return err
	}
	for _, st := range stmts {
		plan, err := s.planner.Plan(ctx, st.SQL)
		if err != nil {
			return err
		}
		rr, err := plan.Run(ctx, &engine.Exec{})
		if err != nil {
			return err
		}
		_, err = tw.write(w, rr)
		rr.Release()
		if err != nil {
			return fmt.Errorf("%w", err)
		}
	}
	return nil
}
