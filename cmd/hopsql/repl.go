package main

import (
	"context"
	"errors"
)

// runREPL runs the interactive shell.
func runREPL(ctx context.Context, env *environment, sh *shell) error {
	return usageError{errors.New("the interactive shell is not built yet: give SQL with -c or -f")}
}
