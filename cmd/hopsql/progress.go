package main

import (
	"context"
	"io"

	"github.com/hopsql/hopsql/driver"
)

// startProgress shows the progress of a running query on w (a terminal)
// once it has run for a while, and returns a function that removes it.
func startProgress(ctx context.Context, w io.Writer, p *driver.Progress) (stop func()) {
	return func() {}
}
