package hopsworks

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "api.key")
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

func TestReadAPIKeyFile(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    string
	}{
		{"bare", testKey, testKey},
		{"newline", testKey + "\n", testKey},
		{"crlf", testKey + "\r\n", testKey},
		{"padded", " \t" + testKey + "  \n", testKey},
		{"first line only", testKey + "\nsecond-line\nthird", testKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, err := readAPIKeyFile(writeFile(t, tt.content))
			require.NoError(t, err)
			assert.Equal(t, secret(tt.want), key)
		})
	}
}

func TestReadAPIKeyFileErrors(t *testing.T) {
	tests := []struct {
		name    string
		content string
		wantErr string
	}{
		{"empty", "", "is empty"},
		{"blank first line", "   \n" + testKey, "is empty"},
		{"space inside", "abc " + testKey, "white space or control characters"},
		{"control character", testKey + "\x01", "white space or control characters"},
		{"long line", strings.Repeat("k", maxAPIKeyLine+1), "longer than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.content)
			_, err := readAPIKeyFile(path)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.Contains(t, err.Error(), path, "the error names the file")
			assert.NotContains(t, err.Error(), testKey, "the error never quotes the file")
		})
	}
}

func TestReadAPIKeyFileMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.key")
	_, err := readAPIKeyFile(path)
	require.Error(t, err)
	assert.ErrorIs(t, err, fs.ErrNotExist)
	assert.Contains(t, err.Error(), path)

	_, err = readAPIKeyFile(t.TempDir())
	require.Error(t, err, "a directory is not a key file")
}

func TestResolveAPIKeyPrecedence(t *testing.T) {
	fileKey := "FileKey.0123456789"
	path := writeFile(t, fileKey+"\n")
	ctx := context.Background()
	tests := []struct {
		name string
		o    Options
		want string
	}{
		{"value wins over file", Options{APIKeyValue: "  " + testKey + "\n", APIKeyFile: path}, testKey},
		{"file", Options{APIKeyFile: path}, fileKey},
		{"file wins over an AWS store", Options{APIKeyFile: path, SecretsStore: SecretsStoreParameterStore}, fileKey},
		{"local reads the file", Options{APIKeyFile: path, SecretsStore: SecretsStoreLocal}, fileKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, err := resolveAPIKey(ctx, tt.o)
			require.NoError(t, err)
			assert.Equal(t, secret(tt.want), key)
		})
	}
	_, err := resolveAPIKey(ctx, Options{APIKeyValue: " \n"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the API key value is empty")
}
