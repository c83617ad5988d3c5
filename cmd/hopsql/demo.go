package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/hopsql/hopsql/driver"
)

// runDemo implements "hopsql demo [--scale N] [--dir DIR]".
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("hopsql demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	scale := fs.Int("scale", driver.DefaultDemoScale, "generate `N` scale units (1 = 100,000 transactions)")
	dir := fs.String("dir", "", "write the store into `DIR` (default: the demo store in the user cache directory)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *dir == "" {
		d, err := driver.DemoCacheDir(*scale)
		if err != nil {
			return err
		}
		*dir = d
	}
	start := time.Now()
	if err := driver.GenerateDemo(ctx, *dir, *scale); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "demo store (scale %d) written to %s in %s\n", *scale, *dir, time.Since(start).Round(time.Millisecond))
	return nil
}
