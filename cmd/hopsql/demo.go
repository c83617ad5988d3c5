package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/hopsql/hopsql/connector/local/demo"
)

// runDemo implements "hopsql demo [--scale N] [--dir DIR]".
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("hopsql demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	scale := fs.Int("scale", demo.DefaultScale, "generate `N` scale units (1 = 100,000 transactions)")
	dir := fs.String("dir", "", "write the store into `DIR` (default: the demo store in the user cache directory)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *dir == "" {
		d, err := demoCacheDir(*scale)
		if err != nil {
			return err
		}
		*dir = d
	}
	start := time.Now()
	if err := demo.Generate(ctx, *dir, *scale); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "demo store (scale %d) written to %s in %s\n", *scale, *dir, time.Since(start).Round(time.Millisecond))
	return nil
}

// demoCacheDir is where --demo keeps the demo store of a scale.
func demoCacheDir(scale int) (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no user cache directory for the demo store (%w); use --warehouse DIR after 'hopsql demo --dir DIR'", err)
	}
	return filepath.Join(base, "hopsql", fmt.Sprintf("demo-scale%d", scale)), nil
}

// demoDir returns the cached demo store, generating it on first use. A
// store is complete once its directory exists: it is generated beside it
// and renamed into place.
func demoDir(ctx context.Context, stderr io.Writer) (string, error) {
	dir, err := demoCacheDir(demo.DefaultScale)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(dir); err == nil {
		return dir, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".demo-*")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	fmt.Fprintf(stderr, "generating the demo store into %s ...\n", dir)
	if err := demo.Generate(ctx, tmp, demo.DefaultScale); err != nil {
		return "", fmt.Errorf("generating the demo store: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		// Another hopsql may have finished first.
		if _, serr := os.Stat(dir); serr == nil {
			return dir, nil
		}
		return "", err
	}
	return dir, nil
}
