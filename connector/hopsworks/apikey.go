package hopsworks

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
)

// maxAPIKeyLine bounds the first line of an API key file; real keys are
// about 80 bytes.
const maxAPIKeyLine = 16 << 10

// resolveAPIKey returns the API key the options give: APIKeyValue, else the
// first line of APIKeyFile (as the Java client, a file wins over a secret
// store), else the key kept in the AWS secret store SecretsStore. o must
// have been validated.
func resolveAPIKey(ctx context.Context, o Options) (secret, error) {
	switch {
	case o.APIKeyValue != "":
		return checkAPIKey(o.APIKeyValue, "the API key value")
	case o.APIKeyFile != "":
		return readAPIKeyFile(o.APIKeyFile)
	case o.SecretsStore == SecretsStoreParameterStore || o.SecretsStore == SecretsStoreSecretsManager:
		return apiKeyFromAWS(ctx, o)
	}
	return "", errors.New("hopsworks: no API key given")
}

// readAPIKeyFile reads the API key from the first line of the file at
// path, trimmed of white space, as the Hopsworks client does. Errors name
// the file but never quote it.
func readAPIKeyFile(path string) (secret, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("hopsworks: reading the API key file: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 256), maxAPIKeyLine)
	if !sc.Scan() {
		if err := sc.Err(); errors.Is(err, bufio.ErrTooLong) {
			return "", fmt.Errorf("hopsworks: the first line of the API key file %s is longer than %d bytes; it must hold the API key alone", path, maxAPIKeyLine)
		} else if err != nil {
			return "", fmt.Errorf("hopsworks: reading the API key file: %w", err)
		}
		return "", fmt.Errorf("hopsworks: the API key file %s is empty; its first line must hold the API key", path)
	}
	return checkAPIKey(sc.Text(), "the first line of the API key file "+path)
}

// checkAPIKey trims key and checks that it can go into an Authorization
// header. what says where the key came from, for errors, which never quote
// the key.
func checkAPIKey(key, what string) (secret, error) {
	key = strings.TrimSpace(key)
	if key == "" {
		return "", fmt.Errorf("hopsworks: %s is empty; it must hold the API key", what)
	}
	for i := 0; i < len(key); i++ {
		if c := key[i]; c <= ' ' || c == 0x7f {
			return "", fmt.Errorf("hopsworks: %s holds white space or control characters inside the API key; an API key is one word, <prefix>.<secret>", what)
		}
	}
	return secret(key), nil
}
