// Package pyenv provides Python virtual environments with pinned packages,
// for tests that check hopsql against real peers written in Python: the
// AWS emulator moto, and the official Hopsworks client.
//
// An environment is created on first use under the user cache directory
// and reused afterwards, so that `go test ./...` needs nothing installed
// by hand but a Python 3 interpreter and access to PyPI.
package pyenv

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// Python returns the interpreter of a virtual environment that holds
// requirements (pip requirement specifiers with exact versions, such as
// "moto[server]==5.1.4"), creating the environment if it does not exist.
// The base interpreter is $HOPSQL_PYTHON, or python3. Environments live in
// $HOPSQL_PYENV_DIR, or os.UserCacheDir()/hopsql/pyenv, one per set of
// requirements; a complete one is never changed, so concurrent test
// binaries share it safely.
func Python(ctx context.Context, requirements ...string) (string, error) {
	base := os.Getenv("HOPSQL_PYTHON")
	if base == "" {
		base = "python3"
	}
	root := os.Getenv("HOPSQL_PYENV_DIR")
	if root == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("pyenv: no cache directory for Python environments (set HOPSQL_PYENV_DIR): %w", err)
		}
		root = filepath.Join(cache, "hopsql", "pyenv")
	}
	sum := sha256.Sum256([]byte(base + "\n" + strings.Join(requirements, "\n")))
	dir := filepath.Join(root, hex.EncodeToString(sum[:8]))
	python := interpreter(dir)
	if _, err := os.Stat(python); err == nil {
		return python, nil
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", fmt.Errorf("pyenv: %w", err)
	}
	// Build beside the final place and rename it there once complete.
	tmp, err := os.MkdirTemp(root, ".building-*")
	if err != nil {
		return "", fmt.Errorf("pyenv: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := run(ctx, base, "-m", "venv", tmp); err != nil {
		return "", fmt.Errorf("pyenv: creating a virtual environment with %s: %w", base, err)
	}
	if len(requirements) > 0 {
		args := append([]string{"-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-input"}, requirements...)
		if err := run(ctx, interpreter(tmp), args...); err != nil {
			return "", fmt.Errorf("pyenv: installing %s: %w", strings.Join(requirements, " "), err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, serr := os.Stat(python); serr == nil {
			return python, nil // another test binary finished first
		}
		return "", fmt.Errorf("pyenv: %w", err)
	}
	return python, nil
}

// interpreter is the Python of the environment in dir. Environments are
// used through `python -m`, which works after the directory is renamed.
func interpreter(dir string) string {
	if runtime.GOOS == "windows" {
		return filepath.Join(dir, "Scripts", "python.exe")
	}
	return filepath.Join(dir, "bin", "python")
}

func run(ctx context.Context, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return fmt.Errorf("%w\n%s", err, tail(string(out), 2000))
		}
		return err
	}
	return nil
}

// tail returns the last n bytes of s, which hold pip's reason for failing.
func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}
