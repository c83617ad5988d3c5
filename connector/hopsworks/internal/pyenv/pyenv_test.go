package pyenv

import (
	"context"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPythonBuildsOnceAndReuses(t *testing.T) {
	t.Setenv("HOPSQL_PYENV_DIR", t.TempDir())
	ctx := context.Background()
	// No requirements: a bare environment, which needs no network.
	py, err := Python(ctx)
	require.NoError(t, err)
	out, err := exec.Command(py, "-c", "import sys; print(sys.prefix != sys.base_prefix)").Output()
	require.NoError(t, err)
	assert.Equal(t, "True", strings.TrimSpace(string(out)), "the interpreter runs inside a virtual environment")

	again, err := Python(ctx)
	require.NoError(t, err)
	assert.Equal(t, py, again)
}

func TestPythonReportsAFailedInstall(t *testing.T) {
	t.Setenv("HOPSQL_PYENV_DIR", t.TempDir())
	_, err := Python(context.Background(), "./no-such-package-dir")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "installing ./no-such-package-dir")
}
